"""Scheme parameter files shipped with cstui (installed as ``cstui_schemes``)."""
