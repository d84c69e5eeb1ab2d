// draw_record.h: the screen rectangles one frame drew (matrices, tiles, packets) and which op
// was current, and every text item with its rectangle. Headless runs write it next to the PNG as JSON, so tests can check the pixels
// where the model says the tile being loaded is.
#pragma once
#include <string>
#include <vector>

namespace flashsim::viz {

struct Rect {
    float x0 = 0, y0 = 0, x1 = 0, y1 = 0;
};

struct DrawnMatrix {
    std::string side;    // "A" or "B"
    std::string tensor;  // "Q", "K", ...
    long long rows = 0, cols = 0;
    Rect rect;
};

struct DrawnTile {
    std::string side, tensor, state;  // state: "load", "store", "resident"
    int sm = 0;
    long long row0 = 0, rows = 0, col0 = 0, cols = 0;
    Rect rect;
};

struct DrawnOp {
    std::string side;
    int sm = 0;
    long long cta = 0, ops_done = 0;
    std::string kind, tensor;
    long long row0 = 0, rows = 0, col0 = 0, cols = 0;
    int line = 0;
};

// One text item as laid out: its rectangle, the rectangle it is clipped to, whether its window
// scrolls vertically (then text below the fold is reachable) and whether it was elided.
struct DrawnText {
    std::string text, window;
    Rect rect, clip;
    bool scrolls = false, elided = false;
};

struct DrawRecord {
    long long step = 0, kernel = 0, local_step = 0;
    std::vector<DrawnMatrix> matrices;
    std::vector<DrawnTile> tiles;
    std::vector<Rect> packets;
    std::vector<DrawnOp> ops;
    std::vector<DrawnText> texts;
    int width = 0, height = 0;
    float font_px = 0;
    bool projector = false;
    std::string view;
    unsigned highlight_load_rgb = 0, highlight_store_rgb = 0;
    void clear() { *this = DrawRecord{}; }
    std::string to_json() const;
};

}  // namespace flashsim::viz
