// options.cpp: the shared options (converted to model objects by sim/config/run_options.cpp) and
// atomic output.
#include "sim/cli/options.h"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <unistd.h>

#include "sim/algorithms/algorithm.h"
#include "sim/cli/units.h"
#include "sim/core/errors.h"

namespace flashsim::cli {

void add_common_options(po::options_description& desc, CommonOptions& o) {
    // clang-format off
    desc.add_options()
        ("algo", po::value(&o.algo)->default_value(o.algo), ("algorithm: " + algorithm_names()).c_str())
        ("N", po::value(&o.N)->default_value(o.N), "sequence length (queries)")
        ("N-kv", po::value(&o.N_kv)->default_value(o.N_kv), "key/value length; 0 = N")
        ("d", po::value(&o.d)->default_value(o.d), "head dimension")
        ("heads", po::value(&o.heads)->default_value(o.heads), "heads H")
        ("batch", po::value(&o.batch)->default_value(o.batch), "batch B")
        ("dtype", po::value(&o.dtype)->default_value(o.dtype), "element type: fp32, fp16, bf16, fp8")
        ("causal", po::bool_switch(&o.causal), "causal mask")
        ("pass", po::value(&o.pass)->default_value(o.pass), "fwd, bwd or fwdbwd")
        ("Br", po::value(&o.Br)->default_value(o.Br), "query rows per block; 0 = the algorithm's default")
        ("Bc", po::value(&o.Bc)->default_value(o.Bc), "key columns per block; 0 = the algorithm's default")
        ("warps", po::value(&o.warps)->default_value(o.warps), "warps per CTA; 0 = default")
        ("stages", po::value(&o.stages)->default_value(o.stages), "SRAM buffers for Kj, Vj; 0 = default")
        ("vanilla-gemm", po::value(&o.vanilla_gemm)->default_value(o.vanilla_gemm),
            "vanilla's GEMMs: ideal (operands cross HBM once) or tiled (every re-read issued)")
        ("matmul-unit", po::value(&o.matmul_unit)->default_value(o.matmul_unit),
            "GEMMs on tensor cores (tensor) or as scalar fp32 FMAs on CUDA cores (fma)")
        ("gpu", po::value(&o.gpu)->default_value(o.gpu), "GPU preset (see `flashsim presets`) or a .toml file")
        ("set", po::value(&o.set)->composing(), "override one GPU field, KEY=VALUE (repeatable)")
        ("paper", po::bool_switch(&o.paper), "paper mode: no L2, counts equal the papers' IO model")
        ("no-timing", po::bool_switch(&o.no_timing), "count only; skip the timing layer");
    // clang-format on
}

bool parse(int argc, const char* const* argv, const po::options_description& desc, po::variables_map& vm,
           const char* usage, const po::positional_options_description* pos) {
    po::options_description all = desc;
    std::string units = "readable";
    all.add_options()("help,h", "show this help")("verbose,v", "more log output")(
        "units", po::value(&units)->default_value(units),
        "how bytes print: readable (sizes in KiB/MiB, rates in GB/s), si (kB, MB), iec (KiB, MiB) or exact (bytes)");
    po::command_line_parser parser(argc, argv);
    parser.options(all);
    if (pos) parser.positional(*pos);
    po::store(parser.run(), vm);
    if (vm.count("help")) {
        std::cout << usage << "\n\n" << all << "\n";
        return false;
    }
    po::notify(vm);
    set_display_units(parse_units(units));
    return true;
}

void check_output_path(const std::string& path) {
    if (path.empty() || path == "-") return;
    namespace fs = std::filesystem;
    const fs::path target(path);
    const fs::path dir = target.has_parent_path() ? target.parent_path() : fs::path(".");
    if (!fs::is_directory(dir)) throw ConfigError("output '" + path + "': directory '" + dir.string() + "' does not exist");
    if (fs::is_directory(target)) throw ConfigError("output '" + path + "' is a directory; allowed: a file path or -");
}

void write_output(const std::string& path, const std::string& text) {
    if (path == "-") {
        std::cout << text;
        std::cout.flush();
        return;
    }
    namespace fs = std::filesystem;
    const fs::path target(path);
    const fs::path dir = target.has_parent_path() ? target.parent_path() : fs::path(".");
    check_output_path(path);
    std::error_code st_ec;
    const fs::file_status st = fs::status(target, st_ec);
    if (fs::exists(st) && !fs::is_regular_file(st)) {
        // A device or a pipe (/dev/null, /dev/stdout, a FIFO): write into it; renaming a file
        // over it would replace the device.
        std::ofstream out(target, std::ios::binary);
        out << text;
        out.flush();
        if (!out) throw ConfigError("output '" + path + "': write failed");
        return;
    }
    const fs::path tmp = dir / ("." + target.filename().string() + ".tmp" + std::to_string(::getpid()));
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        if (!out) throw ConfigError("output '" + path + "' cannot be written");
        out << text;
        out.flush();
        if (!out) {
            std::error_code ec;
            fs::remove(tmp, ec);
            throw ConfigError("output '" + path + "': write failed");
        }
    }
    std::error_code ec;
    fs::rename(tmp, target, ec);
    if (ec) {
        fs::remove(tmp, ec);
        throw ConfigError("output '" + path + "' cannot be replaced: " + ec.message());
    }
}

}  // namespace flashsim::cli
