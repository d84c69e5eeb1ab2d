// playback.cpp: plans and cursors over the drawn CTAs' op streams.
#include "viz/playback.h"

#include <algorithm>

namespace flashsim::viz {

namespace {
constexpr size_t kBatchOps = 256;
}

PlaybackPlan make_plan(const Trace& t, int shown_sms) {
    PlaybackPlan plan;
    plan.shown_sms = shown_sms;
    std::vector<Op> buf(kBatchOps);
    for (const auto& k : t.kernels) {
        KernelPlan kp;
        kp.name = k->name;
        kp.drawn_ctas = std::min<int64_t>(shown_sms, k->cta_count());
        for (int64_t c = 0; c < kp.drawn_ctas; ++c) {
            auto s = k->stream(c);
            int64_t n = 0;
            for (size_t got; (got = s->fill(buf.data(), buf.size())) > 0;) {
                for (size_t i = 0; i < got; ++i) {
                    count_op_paper_mode(buf[i], kp.drawn_counts);
                    if (buf[i].moves_data()) plan.touched[size_t(buf[i].tensor)] = true;
                }
                n += int64_t(got);
            }
            kp.cta_ops.push_back(n);
            kp.steps = std::max(kp.steps, n);
        }
        plan.total_steps += kp.steps;
        plan.kernels.push_back(std::move(kp));
    }
    return plan;
}

uint64_t SmView::resident_bytes() const {
    uint64_t b = 0;
    for (const auto& r : resident)
        if (r.present) b += r.bytes;
    return b;
}

bool Playback::Cursor::next(Op& op) {
    if (pos == len) {
        if (!stream) return false;
        if (buf.empty()) buf.resize(kBatchOps);
        len = stream->fill(buf.data(), buf.size());
        pos = 0;
        if (len == 0) {
            stream.reset();
            return false;
        }
    }
    op = buf[pos++];
    return true;
}

void Playback::reset(std::shared_ptr<const Trace> trace, PlaybackPlan plan) {
    trace_ = std::move(trace);
    plan_ = std::move(plan);
    kernel_ = -1;
    local_ = -1;
    step_ = 0;
    cursors_.clear();
    sms_.clear();
    if (!empty()) seek(0);
}

void Playback::start_kernel(int k) {
    kernel_ = k;
    local_ = -1;
    prefix_ = Counters{};
    for (int i = 0; i < k; ++i) prefix_ += plan_.kernels[size_t(i)].drawn_counts;
    current_ = Counters{};
    const KernelTrace& kt = *trace_->kernels[size_t(k)];
    const KernelPlan& kp = plan_.kernels[size_t(k)];
    cursors_.clear();
    cursors_.resize(size_t(kp.drawn_ctas));
    sms_.assign(size_t(plan_.shown_sms), SmView{});
    for (int64_t c = 0; c < kp.drawn_ctas; ++c) {
        cursors_[size_t(c)].stream = kt.stream(c);
        sms_[size_t(c)].cta = c;
        sms_[size_t(c)].bh = uint32_t(c / std::max<int64_t>(1, kt.ctas_per_head));
    }
}

void Playback::advance_to(int64_t local) {
    while (local_ < local) {
        ++local_;
        for (size_t c = 0; c < cursors_.size(); ++c) {
            SmView& sm = sms_[c];
            Op op;
            sm.has_op = cursors_[c].next(op);
            if (!sm.has_op) continue;
            sm.op = op;
            ++sm.ops_done;
            count_op_paper_mode(op, current_);
            if (op.moves_data()) {
                Resident& r = sm.resident[size_t(op.tensor)];
                r = {true, op.row0, op.rows, op.col0, op.cols, op.bytes, local_};
            }
        }
    }
}

void Playback::seek(int64_t step) {
    if (empty()) return;
    step = std::clamp<int64_t>(step, 0, plan_.total_steps - 1);
    int k = 0;
    int64_t local = step;
    while (local >= plan_.kernels[size_t(k)].steps) local -= plan_.kernels[size_t(k)].steps, ++k;
    if (k != kernel_ || local < local_) start_kernel(k);
    advance_to(local);
    step_ = step;
    so_far_ = prefix_;
    so_far_ += current_;
    // count_op_paper_mode adds per tensor; the total is their sum (as the counting layer does).
    so_far_.total = Traffic{};
    for (const auto& t : so_far_.per_tensor) so_far_.total += t;
}

int Playback::listing_index() const {
    if (!trace_ || kernel_ < 0 || trace_->listings.size() < 2) return 0;
    return int(trace_->kernels[size_t(kernel_)]->listing);
}

int Playback::current_line() const {
    for (const auto& sm : sms_)
        if (sm.has_op) return sm.op.line;
    return 0;
}

}  // namespace flashsim::viz
