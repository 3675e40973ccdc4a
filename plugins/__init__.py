"""Built-in scheme plugins (installed as ``cstui_plugins``)."""
