// homework_questions.cpp: drawing a personalised problem set and computing its key (questions
// 1-4: memory, footprint, blocks, HBM bytes; 5-8 are in homework_questions_timed.cpp).
//
// Each question draws its parameters from a counter-based generator seeded by (seed, student),
// then asks the simulator for the answer. Nothing here states an answer by hand.
#include "sim/core/errors.h"
#include "sim/engine/simulate.h"
#include "sim/lessons/homework.h"
#include "sim/lessons/homework_model.h"

namespace flashsim {

Question q_naive_memory(Draw& r) {
    const int64_t N = 512 + 128 * int64_t(r.next() % 61);  // 512 ... 8192 in steps of 128
    HwRun h = run_of(Algorithm::vanilla, N, r.pick<int64_t>({32, 64, 96, 128}), 1);
    h.dtype = r.pick({Dtype::fp16, Dtype::fp32, Dtype::bf16});
    h.gpu = "a100-40gb";
    const RunResult v = hw_simulate(h, true, false);
    const TensorShapes sh = tensor_shapes(v.problem);
    const uint64_t s_bytes = v.counts.per_tensor[size_t(Tensor::S)].hbm_write_bytes;
    const int64_t qks = sh[size_t(Tensor::Q)].bytes() + sh[size_t(Tensor::K)].bytes() + sh[size_t(Tensor::S)].bytes();
    Question q;
    q.id = "q1";
    q.params = h.params();
    q.title = "Memory needed by naive attention";
    q.text = "Naive attention computes S = QK^T for one head with N = " + num(h.N) + ", d = " + num(h.d) + ", in " +
             to_string(h.dtype) + " (" + num(dtype_bytes(h.dtype)) +
             " bytes per element), and keeps all of S.\n\n"
             "(a) How many bytes does the score matrix S take? (`q1_s_bytes`)\n\n"
             "(b) How many bytes must be held at once to compute S: Q, K and S together? (`q1_qks_bytes`)";
    q.explanation = "S is N x N: the simulator's vanilla run writes " + num(int64_t(s_bytes)) +
                    " bytes of S to HBM (N^2 x element bytes). Q and K are N x d each: (2Nd + N^2) elements.";
    q.fields = {make_field("q1_s_bytes", AnswerKind::integer, "bytes", 0, s_bytes),
                make_field("q1_qks_bytes", AnswerKind::integer, "bytes", 0, qks)};
    const int64_t es = dtype_bytes(h.dtype);
    q.fields[0].hint = "S holds one score for every (query, key) pair; count its elements, then their bytes.";
    q.fields[0].mistakes = {{int64_t(s_bytes) / es, "That is the number of elements of S; each takes " + num(es) + " bytes in " +
                                                        to_string(h.dtype) + "."},
                            {h.N * h.d * es, "That is the size of Q (N x d); S = QK^T has one entry per query and key."}};
    q.fields[1].hint = "Q and K are N x d each and S is N x N; add the three, in bytes.";
    q.fields[1].mistakes = {{qks / es, "That counts elements; multiply by the " + num(es) + " bytes of " + to_string(h.dtype) + "."},
                            {int64_t(s_bytes), "That is S alone; Q and K must be held too."}};
    return q;
}

Question q_sram_footprint(Draw& r) {
    AttentionProblem p;
    p.N = 4096;
    p.d = r.pick<int64_t>({32, 48, 64, 96, 128});
    Schedule s;
    s.algo = Algorithm::fa1;
    s.Br = r.pick<int64_t>({16, 32, 48, 64, 96, 128});
    s.Bc = r.pick<int64_t>({16, 32, 48, 64, 96, 128});
    const GpuSpec g = load_gpu("teaching");
    const Footprint f = footprint(s, p, g);
    Question q;
    q.id = "q2";
    q.params = {{"algo", "fa1"}, {"d", p.d}, {"Br", s.Br}, {"Bc", s.Bc}, {"dtype", "fp16"}, {"gpu", "teaching"}};
    q.title = "SRAM footprint of a schedule";
    q.text = "FlashAttention-1 keeps Sij (Br x Bc), Qi and Oi (Br x d each), Kj and Vj (Bc x d each) in the local memory "
             "of one compute unit. On the `teaching` GPU (" + num(g.sram_bytes_per_sm) + " bytes of local memory per unit, "
             "fp16 = 2 bytes) take d = " + num(p.d) + ", Br = " + num(s.Br) + ", Bc = " + num(s.Bc) + ".\n\n"
             "(a) How many bytes of local memory does one block of work need? (`q2_sram_bytes`)\n\n"
             "(b) Does it fit? (`q2_fits`: true or false)";
    q.explanation = "footprint(): " + f.sram_arithmetic + "; the unit has " + num(g.sram_bytes_per_sm) + " bytes.";
    q.fields = {make_field("q2_sram_bytes", AnswerKind::integer, "bytes", 0, f.sram_bytes),
                make_field("q2_fits", AnswerKind::boolean, "", 0, f.sram_bytes <= g.sram_bytes_per_sm)};
    q.fields[0].hint = "Add the five tiles' elements (Br x Bc, then four tiles of d columns), then 2 bytes each (fp16).";
    q.fields[0].mistakes = {{f.sram_bytes / 2, "That counts elements; fp16 takes 2 bytes each."},
                            {f.sram_bytes - p.d * s.Bc * 2, "Kj and Vj are both held: count the Bc x d tile twice."}};
    q.fields[1].hint = "Compare the bytes one block of work needs with the unit's " + num(g.sram_bytes_per_sm) + " bytes.";
    return q;
}

Question q_tiles(Draw& r) {
    HwRun h = run_of(Algorithm::fa2, 1000 + int64_t(r.next() % 3000), 64, 1);
    h.Br = r.pick<int64_t>({64, 128});
    h.Bc = r.pick<int64_t>({32, 64, 128});
    h.gpu = "a100-40gb";
    const RunResult v = hw_simulate(h, true, false);
    Question q;
    q.id = "q3";
    q.params = h.params();
    q.title = "Number of blocks, Tr and Tc";
    q.text = "A tiled attention run has N = " + num(h.N) + " queries and keys, Br = " + num(h.Br) + " and Bc = " + num(h.Bc) +
             ". The last block may be partial.\n\n(a) How many query blocks, Tr? (`q3_Tr`)\n\n(b) How many key blocks, Tc? (`q3_Tc`)";
    q.explanation = "Tr = ceil(N / Br), Tc = ceil(N / Bc); the simulator's resolved schedule (" + v.schedule.describe() + ").";
    q.fields = {make_field("q3_Tr", AnswerKind::integer, "", 0, v.schedule.Tr(v.problem)),
                make_field("q3_Tc", AnswerKind::integer, "", 0, v.schedule.Tc(v.problem))};
    const char* partial = "You rounded down: the last block is partial (fewer than a full block of rows) but it is still a block.";
    q.fields[0].hint = "Tr counts the blocks of Br query rows that cover all N rows, the partial last block included.";
    q.fields[1].hint = "Tc counts the blocks of Bc key rows that cover all N keys, the partial last block included.";
    if (h.N % h.Br) q.fields[0].mistakes = {{h.N / h.Br, partial}};
    if (h.N % h.Bc) q.fields[1].mistakes = {{h.N / h.Bc, partial}};
    return q;
}

Question q_hbm_bytes(Draw& r) {
    // One draw per statement: the order of draws must not depend on the compiler.
    const Algorithm algo = r.pick({Algorithm::vanilla, Algorithm::fa1, Algorithm::fa2});
    const int64_t N = r.pick<int64_t>({1024, 1536, 2048, 3072, 4096});
    const int64_t d = r.pick<int64_t>({64, 128});
    HwRun h = run_of(algo, N, d, r.pick<int64_t>({1, 2, 4, 8, 12}));
    if (h.algo != Algorithm::vanilla) {
        h.Br = r.pick<int64_t>({32, 64, 128});
        h.Bc = r.pick<int64_t>({32, 64, 128});
    }
    h.gpu = "a100-40gb";
    const RunResult v = hw_simulate(h, true, false);
    const uint64_t bytes = v.counts.total.hbm_read_bytes + v.counts.total.hbm_write_bytes;
    Question q;
    q.id = "q4";
    q.params = h.params();
    q.title = "HBM traffic of an algorithm (the papers' IO model)";
    q.text = "In the papers' IO model (no L2: every global access is an HBM access; l and m are fp32), how many bytes "
             "does this forward pass read from and write to HBM in total, all heads, fp16?\n\n"
             "    flashsim run " + h.flags() + " --paper\n\n(`q4_hbm_bytes`; derive it from the algorithm's listing, "
             "then check it with the command)";
    q.explanation = "simulate() in paper mode: read " + v.analytic.read_formula + ", write " + v.analytic.write_formula +
                    " per head; total " + num(int64_t(bytes)) + " bytes (the closed form agrees: " +
                    num(int64_t(v.analytic.hbm_read_bytes + v.analytic.hbm_write_bytes)) + ").";
    q.fields = {make_field("q4_hbm_bytes", AnswerKind::number, "bytes", 0.01, bytes, 2)};
    q.fields[0].hint = h.algo == Algorithm::vanilla ? "Vanilla writes S and P to HBM and reads them back: count every tensor's reads and writes."
                       : h.algo == Algorithm::fa1   ? "FA1 reads K and V once, but reads Q, O, l, m and writes O, l, m once per key block (Tc times)."
                                                    : "FA2 reads Q once and K, V once per query block (Tr times); it writes O and the LSE once.";
    if (h.heads > 1) q.fields[0].mistakes.push_back({double(bytes) / double(h.heads), "That is one head; the run has " + num(h.heads) + " heads."});
    q.fields[0].mistakes.push_back({double(v.counts.total.hbm_read_bytes), "That is the reads only; add the writes."});
    return q;
}


std::string current_model() {
    return std::string("timing=") + (hw_timing_available() ? "simulator" : "classroom-formula") +
           " l2=" + (hw_l2_available() ? "modelled" : "absent");
}

ProblemSet make_problem_set(uint64_t seed, const std::string& student) {
    if (student.empty() || student.size() > 64 ||
        student.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-") != std::string::npos ||
        student[0] == '.')
        throw ConfigError("student='" + student + "' is not allowed; use 1 to 64 letters, digits, '_', '-' or '.' (not first)");
    Draw r(seed, student);
    ProblemSet ps;
    ps.seed = seed;
    ps.student = student;
    ps.model = current_model();
    ps.questions.push_back(q_naive_memory(r));
    ps.questions.push_back(q_sram_footprint(r));
    ps.questions.push_back(q_tiles(r));
    ps.questions.push_back(q_hbm_bytes(r));
    ps.questions.push_back(q_classroom_time(r));
    ps.questions.push_back(q_best_blocks(r));
    ps.questions.push_back(q_io_ratio(r));
    if (hw_l2_available()) ps.questions.push_back(q_l2(r));
    return ps;
}

}  // namespace flashsim
