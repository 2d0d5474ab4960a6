/**
 * The source both Python processes of a test run share (python-runner.ts): the tagged-JSON codec (plain data only;
 * handles are side-specific) and `_where`, the line of a traceback in a given file. Python source, embedded in `PYTHON_PROGRAM_SERVER` and `PYTHON_TEST_RUNNER`.
 */
export const PY_CODEC = String.raw`
import base64 as _b64, builtins as _bi, json as _json, math as _math, sys as _sys

_MAX_DEPTH = 200


def _enc(v, handle, depth=0):
    if depth > _MAX_DEPTH:
        raise ValueError("value nested too deeply")
    t = type(v)
    if v is None or t is bool or t is str:
        return v
    if t is int:
        return {"i": str(v) if abs(v) < 10 ** 4000 else hex(v)}
    if t is float:
        return {"f": repr(v)}
    if t is list:
        return {"l": [_enc(x, handle, depth + 1) for x in v]}
    if t is tuple:
        return {"t": [_enc(x, handle, depth + 1) for x in v]}
    if t is dict:
        return {"d": [[_enc(k, handle, depth + 1), _enc(x, handle, depth + 1)] for k, x in v.items()]}
    if t is set:
        return {"s": [_enc(x, handle, depth + 1) for x in v]}
    if t is frozenset:
        return {"fs": [_enc(x, handle, depth + 1) for x in v]}
    if t is bytes:
        return {"b": _b64.b64encode(v).decode("ascii")}
    if t is complex:
        return {"c": [repr(v.real), repr(v.imag)]}
    if t is type and getattr(_bi, getattr(v, "__name__", ""), None) is v:
        return {"ty": v.__name__}
    # Subclasses of the plain types (Counter, OrderedDict, defaultdict, namedtuple, an int subclass, ...) go as
    # the plain value they hold: whatever their methods say, the other side sees only the data.
    for base in (bool, int, float, str, bytes, complex):
        if isinstance(v, base):
            return _enc(base(v) if base is not bool else bool(int(v)), handle, depth + 1)
    for base in (dict, list, tuple, set, frozenset):
        if isinstance(v, base):
            return _enc(base.copy(v) if base in (dict, list, set) else base(iter(v)), handle, depth + 1)
    # Exact numbers of the standard library, and numpy's scalars as the Python value they hold
    # (np.int64(2) == 2 holds in Python, so a solution returning one is right).
    fr, dm, np = _sys.modules.get("fractions"), _sys.modules.get("decimal"), _sys.modules.get("numpy")
    if fr is not None and isinstance(v, fr.Fraction):
        return {"q": [_enc(int(v.numerator), handle, depth + 1)["i"], _enc(int(v.denominator), handle, depth + 1)["i"]]}
    if dm is not None and isinstance(v, dm.Decimal):
        return {"dm": str(v)}
    if np is not None and isinstance(v, getattr(np, "generic", ())):
        x = v.item()
        if type(x) in (bool, int, float, complex, str, bytes):
            return _enc(x, handle, depth + 1)
    return handle(v)


def _int(s):
    if type(s) is not str or len(s) > 5000:
        raise ValueError("bad integer")
    return int(s, 16) if s.startswith(("0x", "-0x")) else int(s)


def _dec(v, handle, depth=0):
    if depth > _MAX_DEPTH:
        raise ValueError("value nested too deeply")
    t = type(v)
    if v is None or t is bool or t is str:
        return v
    if t is not dict:
        raise ValueError("malformed value")
    if "h" in v:
        return handle(v)
    if len(v) != 1:
        raise ValueError("malformed value")
    (tag, x), = v.items()
    d = depth + 1
    if tag == "i":
        return _int(x)
    if tag == "f":
        if type(x) is not str or len(x) > 40:
            raise ValueError("bad float")
        return float(x)
    if tag in ("l", "t", "s", "fs", "d", "c", "q") and type(x) is not list:
        raise ValueError("malformed value")
    if tag == "l":
        return [_dec(y, handle, d) for y in x]
    if tag == "t":
        return tuple(_dec(y, handle, d) for y in x)
    if tag == "s":
        return set(_dec(y, handle, d) for y in x)
    if tag == "fs":
        return frozenset(_dec(y, handle, d) for y in x)
    if tag == "d":
        out = {}
        for pair in x:
            if type(pair) is not list or len(pair) != 2:
                raise ValueError("malformed dict")
            out[_dec(pair[0], handle, d)] = _dec(pair[1], handle, d)
        return out
    if tag == "b":
        if type(x) is not str:
            raise ValueError("bad bytes")
        return _b64.b64decode(x)
    if tag == "ty":
        k = getattr(_bi, x, None) if type(x) is str else None
        if not isinstance(k, type):
            raise ValueError("bad type")
        return k
    if tag == "c":
        if len(x) != 2 or any(type(y) is not str or len(y) > 40 for y in x):
            raise ValueError("bad complex")
        return complex(float(x[0]), float(x[1]))
    if tag == "q":
        if len(x) != 2:
            raise ValueError("bad fraction")
        num, den = _int(x[0]), _int(x[1])
        if den <= 0:
            raise ValueError("bad fraction")
        import fractions
        return fractions.Fraction(num, den)
    if tag == "dm":
        if type(x) is not str or len(x) > 200:
            raise ValueError("bad decimal")
        import decimal
        try:
            return decimal.Decimal(x)
        except decimal.InvalidOperation:
            raise ValueError("bad decimal")
    raise ValueError("unknown value tag %r" % (tag,))


def _where(tb, filename, src):
    line = None
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == filename:
            line = tb.tb_lineno
        tb = tb.tb_next
    if line is None:
        return None
    lines = src.splitlines()
    text = lines[line - 1].strip() if 0 < line <= len(lines) else ""
    return "line %d: %s" % (line, text) if text else "line %d" % line

`;
