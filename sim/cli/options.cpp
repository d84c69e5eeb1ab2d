// options.cpp: the shared options (converted to model objects by sim/config/run_options.cpp) and
// atomic output.
#include "sim/cli/options.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <limits>
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
        ("dropout", po::value<double>()->notifier([&o](double p) { o.dropout = p; }),
            "dropout probability p, 0 <= p < 1 (default: 0; standard: 0.1, GPT-2's attn_pdrop); 0 = no dropout")
        ("pass", po::value(&o.pass)->default_value(o.pass), "fwd, bwd or fwdbwd")
        ("Br", po::value(&o.Br)->default_value(o.Br),
            "query rows per block of the forward (of the backward with --pass bwd); 0 = the algorithm's default")
        ("Bc", po::value(&o.Bc)->default_value(o.Bc), "key columns per block; 0 = the algorithm's default")
        ("warps", po::value(&o.warps)->default_value(o.warps), "warps per CTA; 0 = default")
        ("stages", po::value(&o.stages)->default_value(o.stages), "SRAM buffers for Kj, Vj; 0 = default")
        ("bwd-Br", po::value(&o.bwd_Br)->default_value(o.bwd_Br),
            "the backward's query rows per block; 0 = the backward's own default (never --Br's, but with --pass bwd)")
        ("bwd-Bc", po::value(&o.bwd_Bc)->default_value(o.bwd_Bc), "the backward's key columns per block; 0 = its default")
        ("bwd-warps", po::value(&o.bwd_warps)->default_value(o.bwd_warps), "the backward's warps per CTA; 0 = its default")
        ("bwd-stages", po::value(&o.bwd_stages)->default_value(o.bwd_stages),
            "the backward's SRAM buffers for its streamed tiles; 0 = its default")
        ("vanilla-gemm", po::value(&o.vanilla_gemm)->default_value(o.vanilla_gemm),
            "vanilla's GEMMs: ideal (operands cross HBM once) or tiled (every re-read issued)")
        ("matmul-unit", po::value(&o.matmul_unit)->default_value(o.matmul_unit),
            "GEMMs on tensor cores (tensor) or as scalar fp32 FMAs on CUDA cores (fma)")
        ("block-order", po::value(&o.block_order)->default_value(o.block_order),
            "fa2, fa3: the order a head's query blocks launch in, index or heaviest-first (causal: the "
            "blocks with the most key blocks first, as kernels/ versions 5 and 6 do)")
        ("gpu", po::value(&o.gpu)->default_value(o.gpu), "GPU preset (see `flashsim presets`) or a .toml file")
        ("set", po::value(&o.set)->composing(), "override one GPU field, KEY=VALUE (repeatable)")
        ("paper", po::bool_switch(&o.paper), "paper mode: no L2, counts equal the papers' IO model")
        ("no-timing", po::bool_switch(&o.no_timing), "count only; skip the timing layer")
        ("exact", po::bool_switch(&o.exact), "the exact engine: every L2 set simulated (large runs otherwise sample the L2's sets)")
        ("no-skip", po::bool_switch(&o.no_skip),
            "simulate every CTA and iteration (else kernels of many waves skip their middle once their waves repeat, "
            "and few long CTAs their loops' middle)")
        ("l2-set-sampling", po::value(&o.l2_set_sampling)->default_value(o.l2_set_sampling),
            "simulate 1 in this many L2 sets (a power of two dividing the sets); 0 = automatic, 1 = every set");
    // clang-format on
}

bool parse(int argc, const char* const* argv, const po::options_description& desc, po::variables_map& vm,
           const char* usage, const po::positional_options_description* pos) {
    po::options_description all = desc;
    std::string units = "readable";
    all.add_options()("help,h", "show this help")("verbose,v", po::bool_switch(), "more log output (main() sets the level)")(
        "units", po::value(&units)->default_value(units),
        "how bytes print: readable (sizes in KiB/MiB, rates in GB/s), si (kB, MB), iec (KiB, MiB) or exact (bytes)");
    // Arguments no option or positional takes land in a hidden catch-all, refused below by name
    // (Program_options would otherwise drop them silently: `flashsim run extra`).
    constexpr const char* kStray = "unexpected-argument";
    po::options_description with_stray = all;
    with_stray.add_options()(kStray, po::value<std::vector<std::string>>(), "");
    po::positional_options_description positional = pos ? *pos : po::positional_options_description();
    if (positional.max_total_count() != std::numeric_limits<unsigned>::max()) positional.add(kStray, -1);
    po::command_line_parser parser(argc, argv);
    parser.options(with_stray);
    parser.positional(positional);
    po::store(parser.run(), vm);
    if (vm.count("help")) {
        std::cout << usage << "\n\n" << all << "\n";
        return false;
    }
    if (vm.count(kStray)) {
        const auto& stray = vm[kStray].as<std::vector<std::string>>();
        throw ConfigError("unexpected argument '" + stray.front() + "'; allowed: the options and arguments --help lists");
    }
    // An option given an empty value ("--json ''", "--gpu ''") is a mistake, not "not given".
    for (const auto& [name, value] : vm) {
        if (value.defaulted() || name == "kernel-regex") continue;  // "" is a documented regex: every kernel
        const auto* s = boost::any_cast<std::string>(&value.value());
        if (s && s->empty()) throw ConfigError("--" + name + "='': an empty value; allowed: a non-empty value (see --help)");
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
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) throw ConfigError("output '" + path + "': directory '" + dir.string() + "' does not exist");
    // What the path itself names, not what a link points to: only a regular file (or nothing) is
    // replaced; a symbolic link, FIFO, device or socket is refused, never replaced or written through.
    const fs::file_status st = fs::symlink_status(target, ec);
    if (ec && st.type() != fs::file_type::not_found)
        throw ConfigError("output '" + path + "' cannot be inspected: " + ec.message());
    switch (st.type()) {
        case fs::file_type::not_found:
        case fs::file_type::regular: return;
        case fs::file_type::directory: throw ConfigError("output '" + path + "' is a directory; allowed: a file path or -");
        case fs::file_type::symlink:
            throw ConfigError("output '" + path +
                              "' is a symbolic link; allowed: a regular file or a new path (links are not followed)");
        default:
            throw ConfigError("output '" + path + "' is a FIFO, device or socket; allowed: a regular file, a new path or -");
    }
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
    // O_EXCL | O_NOFOLLOW: the temporary name is created fresh, never opened through a link.
    const fs::path tmp = dir / ("." + target.filename().string() + ".tmp" + std::to_string(::getpid()));
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
    if (fd < 0) throw ConfigError("output '" + path + "' cannot be written: " + std::strerror(errno));
    size_t done = 0;
    while (done < text.size()) {
        const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        done += size_t(n);
    }
    const bool closed = ::close(fd) == 0;
    if (done != text.size() || !closed) {
        const std::string why = std::strerror(errno);
        ::unlink(tmp.c_str());
        throw ConfigError("output '" + path + "': write failed: " + why);
    }
    std::error_code ec;
    fs::rename(tmp, target, ec);
    if (ec) {
        fs::remove(tmp, ec);
        throw ConfigError("output '" + path + "' cannot be replaced: " + ec.message());
    }
}

}  // namespace flashsim::cli
