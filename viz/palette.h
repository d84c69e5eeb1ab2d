// palette.h: the viewer's colours, one per tensor, used by every panel (hierarchy, counters,
// timeline, plots) so a tensor has the same colour everywhere; and the highlight colours of
// tiles being loaded (yellow) and stored (white), which no tensor uses.
#pragma once
#include <cstdint>

#include "sim/trace/op.h"

namespace flashsim::viz {

using Rgba = uint32_t;  // ImGui's IM_COL32 layout: 0xAABBGGRR

constexpr Rgba rgba(uint8_t r, uint8_t g, uint8_t b, uint8_t a = 255) {
    return (uint32_t(a) << 24) | (uint32_t(b) << 16) | (uint32_t(g) << 8) | uint32_t(r);
}
constexpr uint32_t rgb_of(Rgba c) { return ((c & 0xFF) << 16) | (c & 0xFF00) | ((c >> 16) & 0xFF); }  // 0xRRGGBB

constexpr Rgba kLoadHighlight = rgba(255, 230, 0);     // a tile moving HBM -> SRAM
constexpr Rgba kStoreHighlight = rgba(255, 255, 255);  // a tile moving SRAM -> HBM
constexpr Rgba kOverflowRed = rgba(235, 40, 40);
constexpr Rgba kComputeGreen = rgba(180, 255, 80);
constexpr Rgba kPanelBg = rgba(24, 26, 32);
constexpr Rgba kBoxBorder = rgba(170, 175, 190);
constexpr Rgba kText = rgba(235, 235, 240);
constexpr Rgba kDimText = rgba(150, 155, 170);

Rgba tensor_color(Tensor t);
Rgba with_alpha(Rgba c, uint8_t a);
Rgba kind_color(OpKind k);  // timeline lanes: load, store, compute

}  // namespace flashsim::viz
