// listing.h: an algorithm's listing as the paper prints it, with named lines.
//
// Contract:
//   - each listing has its own enum of line names, numbered 1..n in the listing's order
//     (make_listing checks it), and trace ops carry one of those names (Emitter takes a LineId,
//     which only an enum converts to: no bare line numbers);
//   - a line says what may be attached to it: the tensors it moves between HBM and SRAM, and
//     whether it computes on chip. A load, store or atomic op names a line that moves its tensor;
//     a matmul or vector op a line that computes on chip; a barrier a line that computes on chip
//     or moves nothing (a loop line). tests/trace/listing_lines_test.cpp checks every op.
#pragma once
#include <cstdint>
#include <initializer_list>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

#include "sim/trace/op.h"

namespace flashsim {

// What a listing line does: the tensors it moves (one bit per Tensor) and whether it computes.
struct LineUse {
    uint32_t moves = 0;
    bool on_chip = false;
    bool moves_tensor(Tensor t) const { return (moves >> unsigned(t)) & 1u; }
};
inline LineUse operator|(LineUse a, LineUse b) { return {a.moves | b.moves, a.on_chip || b.on_chip}; }

template <class... T>
LineUse moves(T... tensors) {
    return {((uint32_t(1) << unsigned(tensors)) | ... | 0u), false};
}
inline LineUse on_chip() { return {0, true}; }

struct ListingLine {
    std::string text;
    LineUse use;
};

struct Listing {
    std::string title;               // "FlashAttention-2 forward (FA2 paper, Algorithm 1)"
    std::vector<ListingLine> lines;  // line k is lines[k - 1]
};

// A line name of some listing's enum, as ops carry it.
struct LineId {
    uint8_t value = 0;
    LineId() = default;
    template <class E, std::enable_if_t<std::is_enum_v<E>, int> = 0>
    constexpr LineId(E e) : value(uint8_t(e)) {}
};

template <class Line>
struct NamedLine {
    Line name;
    const char* text;
    LineUse use = {};
};

// Builds a listing from its named lines; throws std::logic_error when the enum does not number
// the lines 1..n in order (a programming error, caught by the listing tests).
template <class Line>
Listing make_listing(std::string title, std::initializer_list<NamedLine<Line>> lines) {
    Listing l{std::move(title), {}};
    for (const NamedLine<Line>& n : lines) {
        if (size_t(n.name) != l.lines.size() + 1)
            throw std::logic_error(l.title + ": line '" + n.text + "' is named " + std::to_string(size_t(n.name)) +
                                   ", expected " + std::to_string(l.lines.size() + 1));
        l.lines.push_back({n.text, n.use});
    }
    return l;
}

}  // namespace flashsim
