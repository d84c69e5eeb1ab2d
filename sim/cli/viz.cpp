// viz.cpp: `flashsim viz [options]` runs the viewer (flashsim-viz), found next to the flashsim
// binary, with the same arguments. The simulator never links the UI; this only execs it.
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <string>
#include <unistd.h>
#include <vector>

#include "sim/cli/commands.h"

namespace flashsim::cli {

int cmd_viz(int argc, const char* const* argv) {
    namespace fs = std::filesystem;
    std::error_code ec;
    const fs::path self = fs::read_symlink("/proc/self/exe", ec);
    const fs::path viewer = (ec ? fs::path(argv[0]).parent_path() : self.parent_path()) / "flashsim-viz";
    if (!fs::exists(viewer)) {
        std::cerr << "flashsim: error: the viewer is not built (" << viewer.string()
                  << " not found); configure with -DFLASHSIM_BUILD_VIZ=ON (needs libglfw3-dev, libgl-dev, libimgui-dev)\n";
        return 2;
    }
    std::vector<char*> args;
    const std::string path = viewer.string();
    args.push_back(const_cast<char*>(path.c_str()));
    for (int i = 1; i < argc; ++i) args.push_back(const_cast<char*>(argv[i]));
    args.push_back(nullptr);
    ::execv(path.c_str(), args.data());
    std::cerr << "flashsim: error: cannot run " << path << ": " << std::strerror(errno) << "\n";
    return 2;
}

}  // namespace flashsim::cli
