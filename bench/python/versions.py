"""The versions of the Python contenders and of the BLAS they load, as JSON."""

import ctypes
import ctypes.util
import json
import platform

out = {"python": platform.python_version()}
try:
    import numpy
    out["numpy"] = numpy.__version__
except ImportError:
    out["numpy"] = None
try:
    import torch
    out["torch"] = torch.__version__
except ImportError:
    out["torch"] = None
try:
    import matplotlib
    out["matplotlib"] = matplotlib.__version__
except ImportError:
    out["matplotlib"] = None
try:  # the BLAS numpy and torch load through libblas.so.3; OpenBLAS answers openblas_get_config
    blas = ctypes.CDLL("libblas.so.3")
    blas.openblas_get_config.restype = ctypes.c_char_p
    out["blas"] = blas.openblas_get_config().decode()
except (OSError, AttributeError):
    out["blas"] = "not OpenBLAS (libblas.so.3 has no openblas_get_config)"
print(json.dumps(out))
