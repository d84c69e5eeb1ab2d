// presets.cpp: `flashsim presets` lists the GPU presets; `flashsim presets show NAME` prints one
// (its TOML, with every source comment); `flashsim presets NAME` does the same; `flashsim presets
// fields` prints the field table: each field's unit, allowed range and default.
#include <iostream>
#include <sstream>

#include "sim/cli/commands.h"
#include "sim/cli/options.h"
#include "sim/core/errors.h"

namespace flashsim::cli {

int cmd_presets(int argc, const char* const* argv) {
    std::vector<std::string> args;
    po::options_description desc("presets options");
    desc.add_options()("args", po::value(&args)->multitoken(), "list | show NAME | NAME | fields");
    po::positional_options_description pos;
    pos.add("args", -1);
    po::variables_map vm;
    if (!parse(argc, argv, desc, vm, "usage: flashsim presets [list | show NAME | NAME | fields]", &pos)) return 0;
    if (args.empty() || (args[0] == "list" && args.size() == 1)) {
        for (const auto& n : preset_names()) {
            const GpuSpec g = load_gpu(n);
            std::cout << n << std::string(n.size() < 12 ? 12 - n.size() : 1, ' ') << g.description << "\n";
        }
        return 0;
    }
    if (args[0] == "fields" && args.size() == 1) {
        // The field table: what a preset file (or --set) may give, in what range, and the
        // default of a key a preset may leave out.
        for (const auto& f : gpu_fields()) {
            std::cout << f.key << "\n    " << f.help << "\n    allowed: " << f.allowed();
            if (f.has_default) {
                std::ostringstream d;
                d << f.default_value;
                std::cout << "; default " << d.str();
            } else {
                std::cout << "; required";
            }
            std::cout << "\n";
        }
        return 0;
    }
    const bool show = args[0] == "show" && args.size() == 2;
    if (show || (args.size() == 1 && args[0] != "show" && args[0] != "list")) {
        const std::string& name = args[show ? 1 : 0];
        load_gpu(name);  // validates; throws with the list of presets for an unknown name
        std::cout << preset_toml(name);
        return 0;
    }
    throw ConfigError("presets: expected 'list', 'show NAME', NAME or 'fields', got '" + args[0] + "' and " +
                      std::to_string(args.size() - 1) + " more");
}

}  // namespace flashsim::cli
