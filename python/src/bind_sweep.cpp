// bind_sweep.cpp: sweeps for Python (bound when the library's sweep module is merged).
#include "python/src/bind.h"

namespace flashsim::python {

void bind_sweep(py::module_&) {}

}  // namespace flashsim::python
