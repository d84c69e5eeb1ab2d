// hierarchy_matrices.h: the HBM side of the hierarchy view: the matrices laid out as tile grids
// (tall N x d ones, the row statistics, the N x N ones), drawn with their labels, and the legend.
#pragma once
#include <imgui.h>
#include <vector>

#include "viz/draw_record.h"
#include "viz/playback.h"

namespace flashsim::viz {

struct MatrixBox {
    Tensor t;
    Rect r;
    int64_t rows, cols, row_block, col_block;
    bool in_hbm;  // false: the algorithm never writes it to HBM (S, P of FlashAttention)
};

// Lays the matrices out inside `hbm` (below its title line).
std::vector<MatrixBox> layout_matrices(const Rect& hbm, const Trace& tr, const PlaybackPlan& plan, float s);
Rect tile_rect(const MatrixBox& m, int64_t row0, int64_t rows, int64_t col0, int64_t cols);
// `label_x1`: where the next matrix's label starts (the label is elided before it).
void draw_matrix(ImDrawList* dl, const MatrixBox& m, float label_x1, float s);
// The legend, flowing over as many rows as the width needs, with a hatched "never in HBM" swatch
// when `on_chip` (a matrix drawn hatched). With `draw` false it only measures: returns the height
// it takes.
float legend(ImDrawList* dl, const std::vector<Tensor>& tensors, bool on_chip, float x0, float y0, float x_max, float s, bool draw);

}  // namespace flashsim::viz
