"""The problems of a scheme file that cannot be read or loaded, as text templates: the loader
(cstui.schemes) imports this when it meets one, so listing schemes imports no domain code."""

from __future__ import annotations

from cstui.domain import texts
from cstui.domain.texts import line  # noqa: F401  (what cstui.schemes raises with)

# a scheme file that cannot be read or loaded: each line names the file (and line, column or
# TOML key); keys, formats and what the parser said are arguments, as they are in every language
texts.register(
    {
        "scheme.cannot_read": ("{path}: cannot read: {reason}", "{path}：无法读取：{reason}"),
        "scheme.not_utf8": (
            "{path}: not {utf8} text (byte 0x{byte} at offset {offset}); save the file as {utf8}",
            "{path}：不是 {utf8} 文本（偏移 {offset} 处的字节 0x{byte}）；请将文件另存为 {utf8}",
        ),
        "scheme.bad_toml": ("{where}: not valid {toml}: {reason}", "{where}：不是有效的 {toml}：{reason}"),
        "scheme.too_deep": ("arrays or tables nested too deeply", "数组或表嵌套过深"),
        "scheme.name_string": (
            "{path}: {field}: expected the scheme's name as a string",
            "{path}：{field}：方案名称应为字符串",
        ),
        "scheme.name_taken": (
            "{path}: {field}: scheme {name} is already registered by plugin {plugin}",
            "{path}：{field}：方案 {name} 已由插件 {plugin} 注册",
        ),
        "scheme.no_file": ("{path}: no such scheme file", "{path}：没有这个方案文件"),
        "scheme.unknown": (
            "unknown scheme {name}; installed schemes: {known}",
            "未知方案 {name}；已安装的方案：{known}",
        ),
        "scheme.none": ("none", "无"),
        "scheme.extends_unknown": (
            "{path}: {field}: unknown scheme {name}; installed: {known}",
            "{path}：{field}：未知方案 {name}；已安装：{known}",
        ),
        "scheme.extends_type": (
            "{path}: {field}: expected a scheme name or a {suffix} path",
            "{path}：{field}：应为方案名称或 {suffix} 文件路径",
        ),
        "scheme.extends_cycle": (
            "{path}: {field}: {name} extends itself through {chain}",
            "{path}：{field}：{name} 经由 {chain} 继承了自身",
        ),
        "scheme.replace_type": (
            "{path}: {field}: expected an array of top-level keys, e.g. {example}",
            "{path}：{field}：应为顶层键名的数组，例如 {example}",
        ),
    }
)
