"""Personal data: export on request, erasure after a cooling-off period, retention."""
