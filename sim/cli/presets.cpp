// presets.cpp: `flashsim presets` lists the GPU presets; `flashsim presets show NAME` prints one
// (its TOML, with every source comment); `flashsim presets NAME` does the same.
#include <iostream>

#include "sim/cli/commands.h"
#include "sim/cli/options.h"
#include "sim/core/errors.h"

namespace flashsim::cli {

int cmd_presets(int argc, const char* const* argv) {
    std::vector<std::string> args;
    po::options_description desc("presets options");
    desc.add_options()("args", po::value(&args)->multitoken(), "list | show NAME | NAME");
    po::positional_options_description pos;
    pos.add("args", -1);
    po::variables_map vm;
    if (!parse(argc, argv, desc, vm, "usage: flashsim presets [list | show NAME | NAME]", &pos)) return 0;
    if (args.empty() || args[0] == "list") {
        for (const auto& n : preset_names()) {
            const GpuSpec g = load_gpu(n);
            std::cout << n << std::string(n.size() < 12 ? 12 - n.size() : 1, ' ') << g.description << "\n";
        }
        return 0;
    }
    const bool show = args[0] == "show" && args.size() == 2;
    if (show || (args.size() == 1 && args[0] != "show")) {
        const std::string& name = args[show ? 1 : 0];
        load_gpu(name);  // validates; throws with the list of presets for an unknown name
        std::cout << preset_toml(name);
        return 0;
    }
    throw ConfigError("presets: expected 'list', 'show NAME' or NAME");
}

}  // namespace flashsim::cli
