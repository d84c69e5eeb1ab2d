// palette.cpp: tensor and kind colours.
#include "viz/palette.h"

namespace flashsim::viz {

Rgba tensor_color(Tensor t) {
    switch (t) {
        case Tensor::Q: return rgba(70, 140, 255);    // blue
        case Tensor::K: return rgba(40, 200, 120);    // green
        case Tensor::V: return rgba(0, 200, 215);     // cyan
        case Tensor::S: return rgba(255, 140, 40);    // orange
        case Tensor::P: return rgba(200, 90, 230);    // purple
        case Tensor::O: return rgba(240, 70, 90);     // red
        case Tensor::l: return rgba(170, 140, 100);   // brown
        case Tensor::m: return rgba(140, 120, 170);   // grey-violet
        case Tensor::LSE: return rgba(190, 160, 120); // sand
        case Tensor::dO: return rgba(255, 120, 170);  // pink
        case Tensor::dQ: return rgba(120, 170, 255);  // light blue
        case Tensor::dK: return rgba(120, 230, 160);  // light green
        case Tensor::dV: return rgba(110, 225, 235);  // light cyan
        case Tensor::dS: return rgba(255, 175, 110);  // light orange
        case Tensor::dP: return rgba(215, 150, 240);  // light purple
        case Tensor::D: return rgba(160, 160, 160);   // grey
        case Tensor::dQacc: return rgba(90, 120, 200); // dark blue (dQ's fp32 accumulator)
        case Tensor::Pdrop: return rgba(150, 60, 190); // dark purple (P after dropout)
        case Tensor::Z: return rgba(150, 150, 90);     // olive (the dropout mask, 1 byte per element)
        default: return rgba(128, 128, 128);
    }
}

Rgba with_alpha(Rgba c, uint8_t a) { return (c & 0x00FFFFFFu) | (uint32_t(a) << 24); }

Rgba kind_color(OpKind k) {
    switch (k) {
        case OpKind::load: return rgba(80, 150, 255);
        case OpKind::store:
        case OpKind::atomic_add: return rgba(245, 95, 80);
        case OpKind::matmul: return rgba(60, 220, 90);
        case OpKind::vector: return rgba(170, 230, 60);
        case OpKind::barrier: return rgba(120, 120, 130);
    }
    return rgba(128, 128, 128);
}

}  // namespace flashsim::viz
