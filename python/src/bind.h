// bind.h: the pieces of the _core extension module (pybind11), one file per feature. Each
// bind_* registers its functions; they take and return plain Python values (dicts, lists,
// strings, numpy arrays) and JSON text written by the library's own serialisers, which the
// package in python/flashsim/ wraps for people.
#pragma once
#include <pybind11/pybind11.h>

#include "sim/config/run_options.h"

namespace flashsim::python {

namespace py = pybind11;

// The keyword arguments of flashsim.run() (algo, N, N_kv, d, heads, batch, Br, Bc, warps, stages,
// dtype, pass, causal, gpu, gpu_toml, set, paper, no_timing, vanilla_gemm, matmul_unit, block_order) on top of
// RunOptions' defaults. An unknown key or a value of the wrong type raises TypeError naming it.
RunOptions options_from_dict(const py::dict& kwargs);

void bind_run(py::module_& m);
void bind_presets(py::module_& m);
void bind_crosscheck(py::module_& m);
void bind_homework(py::module_& m);
void bind_sweep(py::module_& m);

}  // namespace flashsim::python
