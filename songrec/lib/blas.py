"""BLAS on one thread for the small products of a request (a fold-in, a few taste centres against the catalog)."""

from threadpoolctl import ThreadpoolController

_threadpools = ThreadpoolController()  # finding the BLAS libraries once, not per request


def one_blas_thread() -> object:
    """Context: BLAS on one thread. The products per request are small; on a busy machine the threads
    OpenBLAS starts for them cost more than they save (measured: ~100 ms → ~2–13 ms under load 15)."""
    return _threadpools.limit(limits=1, user_api="blas")
