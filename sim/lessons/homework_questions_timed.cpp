// homework_questions_timed.cpp: questions 5-8 of a problem set: time under the classroom model,
// the best block sizes for an SRAM size, the IO reduction of FA2, and predict-then-reveal on L2.
#include <map>
#include <utility>

#include "sim/engine/simulate.h"
#include "sim/lessons/homework_model.h"

namespace flashsim {

Question q_classroom_time(Draw& r) {
    const int64_t N = r.pick<int64_t>({512, 768, 1024, 1536, 2048});
    HwRun fa2 = run_of(Algorithm::fa2, N, 64, r.pick<int64_t>({4, 8, 16}));
    fa2.Br = fa2.Bc = r.pick<int64_t>({32, 64});
    HwRun fa1 = fa2;
    fa1.algo = Algorithm::fa1;
    const RunResult r2 = hw_simulate(fa2, false, true), r1 = hw_simulate(fa1, false, true);
    const double t2 = classroom_seconds(r2), t1 = classroom_seconds(r1);
    const GpuSpec& g = r2.gpu;
    Question q;
    q.id = "q5";
    q.params = fa2.params();
    q.title = "Time under the classroom model";
    q.text = "The `teaching` GPU is the classroom model: local memory costs " + num(g.sram_latency_cycles) +
             " cycle; a transfer between local memory and DRAM costs latency + bytes / rate cycles, with latency = " +
             num(g.hbm_latency_cycles) + " cycles, rate = " + num(g.hbm_bytes_per_s / g.clock_hz) + " bytes per cycle, and " +
             num(g.clock_hz / 1e9) + " GHz.\n\n    flashsim run " + fa2.flags() + "\n\n";
    if (r2.timing.valid) {
        q.text += "(a) Predict first, then run the command: how long does FlashAttention-2 take, in microseconds? "
                  "(`q5_fa2_us`, the simulator's time)\n\n"
                  "(b) Run it again with `--algo fa1`. How many times faster is FA2 than FA1 (time of FA1 / time of FA2)? "
                  "(`q5_speedup`)";
        q.explanation = "simulate() with the timing layer on the teaching preset: fa2 " + num(t2 * 1e6) + " us, fa1 " +
                        num(t1 * 1e6) + " us.";
    } else {
        q.text += "Take one unit doing every transfer in turn: cycles = transfers x latency + HBM bytes / rate. FA2 makes " +
                  num(int64_t(r2.counts.loads + r2.counts.stores)) + " transfers (tile loads and stores), FA1 makes " +
                  num(int64_t(r1.counts.loads + r1.counts.stores)) + "; read the HBM bytes from the command above (and with "
                  "`--algo fa1`).\n\n(a) How long does FA2 take, in microseconds? (`q5_fa2_us`)\n\n"
                  "(b) How many times faster is FA2 than FA1 (time of FA1 / time of FA2)? (`q5_speedup`)";
        q.explanation = "classroom formula over the simulator's counts: fa2 " + num(t2 * 1e6) + " us, fa1 " + num(t1 * 1e6) + " us.";
    }
    q.fields = {make_field("q5_fa2_us", AnswerKind::number, "microseconds", 0.03, t2 * 1e6),
                make_field("q5_speedup", AnswerKind::number, "", 0.03, t1 / t2)};
    q.fields[0].hint = r2.timing.valid ? "Run the command and read its `time` line; convert to microseconds."
                                       : "Every transfer pays the latency once; the bytes pay 1 / rate cycles each; one cycle is 1 / clock seconds.";
    q.fields[0].mistakes = {{t2 * 1e9, "That is nanoseconds; the answer is in microseconds."},
                            {t2 * 1e3, "That is milliseconds; the answer is in microseconds."}};
    q.fields[1].hint = "Speedup = time of FA1 / time of FA2: above 1 when FA2 is faster.";
    q.fields[1].mistakes = {{t2 / t1, "That is FA2's time over FA1's, the inverse of the speedup."}};
    return q;
}

Question q_best_blocks(Draw& r) {
    const Algorithm algo = r.pick({Algorithm::fa1, Algorithm::fa2});
    HwRun base = run_of(algo, 2048, r.pick<int64_t>({32, 64}), 1);
    const int64_t M = r.pick<int64_t>({16384, 24576, 32768, 49152, 65536, 98304, 131072});
    base.set = {"sram_bytes_per_sm=" + num(M)};
    static const int64_t kBlocks[] = {16, 32, 64, 128, 256};
    struct Candidate {
        bool fits = false;
        uint64_t bytes = 0;
        int64_t sram_bytes = 0;
    };
    std::map<std::pair<int64_t, int64_t>, Candidate> table;
    GpuSpec g = load_gpu(base.gpu);
    for (const auto& kv : base.set) apply_override(g, kv);
    AttentionProblem p;
    p.N = base.N;
    p.d = base.d;
    std::pair<int64_t, int64_t> best{0, 0};
    uint64_t best_bytes = 0;
    for (int64_t Br : kBlocks)
        for (int64_t Bc : kBlocks) {
            Schedule s;
            s.algo = base.algo;
            s.Br = Br;
            s.Bc = Bc;
            Candidate c;
            c.sram_bytes = footprint(s, p, g).sram_bytes;
            c.fits = c.sram_bytes <= M;
            if (c.fits) {
                HwRun h = base;
                h.Br = Br;
                h.Bc = Bc;
                const RunResult v = hw_simulate(h, true, false);
                c.bytes = v.counts.total.hbm_read_bytes + v.counts.total.hbm_write_bytes;
                const Candidate* b = best.first ? &table[best] : nullptr;
                // The key: fewest bytes; then the smallest footprint; then the first found (smaller Br).
                if (!b || c.bytes < b->bytes || (c.bytes == b->bytes && c.sram_bytes < b->sram_bytes)) best = {Br, Bc};
            }
            table[{Br, Bc}] = c;
        }
    best_bytes = table[best].bytes;
    Question q;
    q.id = "q6";
    q.params = base.params();
    q.title = "The best block sizes for an SRAM size";
    q.text = "Run " + std::string(to_string(base.algo)) + " on the teaching GPU with its local memory set to " + num(M) +
             " bytes, N = 2048, d = " + num(base.d) + ", fp16, in the papers' IO model:\n\n    flashsim run " +
             base.flags() + " --Br BR --Bc BC --paper\n\nAmong Br, Bc in {16, 32, 64, 128, 256}, which block sizes that fit "
             "make the fewest HBM bytes (read + write)? Any pair reaching the minimum scores. (`q6_Br`, `q6_Bc`)\n\n"
             "Hint: write the HBM bytes as a function of Tr and Tc first; `flashsim sweep` can check your reasoning.";
    q.explanation = "Every pair that fits simulated in paper mode; the minimum is " + num(int64_t(best_bytes)) +
                    " bytes, reached by Br = " + num(best.first) + ", Bc = " + num(best.second) +
                    " (fewest bytes, then smallest footprint: " + num(table[best].sram_bytes) + " bytes).";
    q.fields = {make_field("q6_Br", AnswerKind::integer, "", 0, best.first),
                make_field("q6_Bc", AnswerKind::integer, "", 0, best.second)};
    q.fields[0].hint = q.fields[1].hint =
        base.algo == Algorithm::fa1 ? "FA1 re-reads Q and O once per key block: make Tc small (Bc large) while the tiles still fit."
                                    : "FA2 re-reads K and V once per query block: make Tr small (Br large) while the tiles still fit.";
    q.check_together = [table, best_bytes, M](const std::map<std::string, nlohmann::json>& v, std::string& why) {
        const int64_t Br = v.at("q6_Br").get<int64_t>(), Bc = v.at("q6_Bc").get<int64_t>();
        const auto it = table.find({Br, Bc});
        if (it == table.end()) {
            why = "Br = " + num(Br) + ", Bc = " + num(Bc) + " is not a candidate (each must be 16, 32, 64, 128 or 256)";
            return false;
        }
        if (!it->second.fits) {
            why = "Br = " + num(Br) + ", Bc = " + num(Bc) + " needs " + num(it->second.sram_bytes) + " bytes; only " + num(M) + " fit";
            return false;
        }
        if (it->second.bytes != best_bytes) {
            why = "fits, but moves " + num(int64_t(it->second.bytes)) + " HBM bytes; the best pairs move " + num(int64_t(best_bytes));
            return false;
        }
        why = "fits and reaches the minimum, " + num(int64_t(best_bytes)) + " HBM bytes";
        return true;
    };
    return q;
}

Question q_io_ratio(Draw& r) {
    const int64_t N = r.pick<int64_t>({1024, 1536, 2048, 3072, 4096, 6144, 8192});
    HwRun fa2 = run_of(Algorithm::fa2, N, r.pick<int64_t>({64, 128}), 1);
    fa2.gpu = "a100-40gb";
    HwRun van = fa2;
    van.algo = Algorithm::vanilla;
    const RunResult a = hw_simulate(van, true, false), b = hw_simulate(fa2, true, false);
    const double va = double(a.counts.total.hbm_read_bytes + a.counts.total.hbm_write_bytes);
    const double vb = double(b.counts.total.hbm_read_bytes + b.counts.total.hbm_write_bytes);
    Question q;
    q.id = "q7";
    q.params = fa2.params();
    q.title = "How much IO does FlashAttention-2 save?";
    q.text = "In the papers' IO model, with FA2's default blocks on the a100-40gb preset (" + b.schedule.describe() +
             "), how many times more HBM bytes (read + write) does vanilla attention move than FA2 for N = " + num(fa2.N) +
             ", d = " + num(fa2.d) + ", fp16? (`q7_io_ratio`)\n\n    flashsim run " + fa2.flags() + " --paper\n\n"
             "Compare with the same command with `--algo vanilla`.";
    q.explanation = "vanilla " + num(va) + " bytes / fa2 " + num(vb) + " bytes (simulate(), paper mode).";
    q.fields = {make_field("q7_io_ratio", AnswerKind::number, "", 0.02, va / vb)};
    q.fields[0].hint = "Vanilla's bytes grow with N^2 (S and P go to HBM and back); FA2's with N d Tr. Divide vanilla's by FA2's.";
    q.fields[0].mistakes = {{vb / va, "That is FA2's bytes over vanilla's, the inverse ratio."}};
    return q;
}

Question q_l2(Draw& r) {
    const int64_t N = r.pick<int64_t>({2048, 4096, 8192});
    HwRun h = run_of(Algorithm::fa2, N, 128, r.pick<int64_t>({4, 8}));
    h.gpu = "h100";
    const RunResult paper = hw_simulate(h, true, false), l2 = hw_simulate(h, false, true);
    const double pr = double(paper.counts.total.hbm_read_bytes), lr = double(l2.counts.total.hbm_read_bytes);
    const std::string way = lr < 0.99 * pr ? "fewer" : lr > 1.01 * pr ? "more" : "same";
    Question q;
    q.id = "q8";
    q.params = h.params();
    q.title = "Predict, then reveal: what an L2 does to FA2's HBM reads";
    q.text = "FA2 on the h100 preset, N = " + num(h.N) + ", d = 128, " + num(h.heads) + " heads, default blocks.\n\n"
             "(a) Before running anything: with the " + num(l2.gpu.l2_bytes >> 20) + " MiB L2 modelled, will the HBM reads be "
             "more, fewer or the same as in the papers' IO model? (`q8_prediction`: \"more\", \"fewer\" or \"same\")\n\n"
             "(b) Now run both and give the ratio: HBM reads in the IO model / HBM reads with the L2. (`q8_read_ratio`)\n\n"
             "    flashsim run " + h.flags() + " --paper\n    flashsim run " + h.flags();
    q.explanation = "simulate(): paper-mode reads " + num(pr) + " bytes, with the L2 model " + num(lr) + " bytes.";
    q.fields = {make_field("q8_prediction", AnswerKind::choice, "", 0, way),
                make_field("q8_read_ratio", AnswerKind::number, "", 0.05, pr / lr)};
    q.fields[0].choices = {"more", "fewer", "same"};
    q.fields[0].hint = "Many CTAs read the same Kj, Vj blocks; think about where the second CTA's read is served from.";
    q.fields[1].hint = "Ratio = reads in the IO model / reads with the L2: above 1 when the L2 saves HBM reads.";
    q.fields[1].mistakes = {{lr / pr, "That is the inverse: reads with the L2 over reads in the IO model."}};
    return q;
}

}  // namespace flashsim
