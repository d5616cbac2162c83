// The functions of this module are static inline in include/cva_intrinsics.h; SwiftPM needs one
// source file to build a C target.
#include "cva_intrinsics.h"
