/**
 * `PYTHON_PROGRAM_SERVER`: the untrusted Python process of a test run (`/box/program.py`); the design of the two
 * processes is in python-runner.ts.
 */
import { PY_CODEC } from "./python-codec.js";

/** Source of `program.py`: the untrusted side (the design: python-runner.ts). */
export const PYTHON_PROGRAM_SERVER =
  String.raw`
import os, sys, types, builtins
` +
  PY_CODEC +
  String.raw`

_write = os.write
_dumps = _json.dumps
_loads = _json.loads


def _send(obj):
    data = (_dumps(obj) + "\n").encode("utf-8", "surrogatepass")
    while data:
        data = data[_write(3, data):]


class _Reader:
    def __init__(self, fd):
        self.fd = fd
        self.buf = b""

    def line(self):
        while b"\n" not in self.buf:
            chunk = os.read(self.fd, 1 << 16)
            if not chunk:
                return None
            self.buf += chunk
        line, _, self.buf = self.buf.partition(b"\n")
        return line


def _describe(e):
    msg = str(e)
    name = type(e).__name__
    return "%s: %s" % (name, msg) if msg else name


def main():
    try:
        os.set_blocking(3, True)
    except OSError:
        pass
    reader = _Reader(3)
    spec = _loads(reader.line())
    os.set_inheritable(3, False)
    code = spec["code"]
    mod = types.ModuleType("solution")
    mod.__file__ = "<solution>"
    sys.modules["solution"] = mod
    g = mod.__dict__
    g["__builtins__"] = builtins
    try:
        compiled = compile(code, "<solution>", "exec")
    except SyntaxError as e:
        _send({"ready": False, "kind": "error", "message": "%s (line %s)" % (_describe(e), e.lineno)})
        return
    except (ValueError, MemoryError, RecursionError) as e:
        _send({"ready": False, "kind": "memory" if isinstance(e, MemoryError) else "error", "message": _describe(e)})
        return
    try:
        exec(compiled, g)
    except SystemExit as e:
        _send({"ready": False, "kind": "error", "message": "the program exited (sys.exit(%r)) before the tests ran" % (e.code,)})
        return
    except MemoryError as e:
        _send({"ready": False, "kind": "memory", "message": _describe(e)})
        return
    except BaseException as e:  # noqa: B902
        where = _where(e.__traceback__, "<solution>", code)
        _send({"ready": False, "kind": "error", "message": _describe(e) + (" at " + where if where else "")})
        return
    try:
        sys.stdout.flush()
    except BaseException:  # noqa: B902
        pass

    handles = []

    def to_handle(v):
        handles.append(v)
        h = {"h": len(handles) - 1, "k": type(v).__name__[:80], "call": callable(v)}
        # Where the object says it comes from (a module, or a function/class's module and name). Only a
        # claim: the tests' side takes its OWN copy of a library object by that name, never this one.
        try:
            if isinstance(v, types.ModuleType):
                h["mod"] = str(v.__name__)[:200]
            else:
                mod, qual = getattr(v, "__module__", None), getattr(v, "__qualname__", None)
                if type(mod) is str and type(qual) is str:
                    h["mod"], h["qual"] = mod[:200], qual[:200]
        except BaseException:  # noqa: B902
            pass
        return h

    def from_handle(v):
        i = v.get("h")
        if type(i) is not int or not 0 <= i < len(handles):
            raise ValueError("unknown handle")
        return handles[i]

    def dec(v):
        return _dec(v, from_handle)

    _send({"ready": True})
    if spec.get("alone"):
        return  # no tests: the program alone, judged by its exit status
    while True:
        raw = reader.line()
        if raw is None:
            return
        try:
            req = _loads(raw)
        except ValueError:
            continue
        rid = req.get("id")
        try:
            op = req.get("op")
            args = [dec(a) for a in req.get("args", [])]
            if op == "get":
                name = req["name"]
                if name not in g:
                    raise NameError("name %r is not defined" % (name,))
                v = g[name]
            elif op == "call":
                target = from_handle(req)
                kw = {k: dec(x) for k, x in req.get("kw", {}).items()}
                v = target(*args, **kw)
            elif op == "attr":
                v = getattr(from_handle(req), req["name"])
            elif op == "setattr":
                setattr(from_handle(req), req["name"], args[0])
                v = None
            elif op == "iter":
                v = list(from_handle(req))
            elif op == "item":
                v = from_handle(req)[args[0]]
            elif op == "len":
                v = len(from_handle(req))
            elif op == "bool":
                v = bool(from_handle(req))
            elif op == "repr":
                v = repr(from_handle(req))[:1000]
            else:
                raise ValueError("unknown request")
            out = {"id": rid, "ok": _enc(v, to_handle)}
            if req.get("back"):
                out["back"] = [_enc(a, to_handle) if type(a) in (list, dict, set) else None for a in args]
        except SystemExit as e:
            _send({"id": rid, "exit": "the program exited (sys.exit(%r)) during the tests" % (e.code,)})
            return
        except BaseException as e:  # noqa: B902
            where = _where(e.__traceback__, "<solution>", code)
            out = {"id": rid, "err": type(e).__name__[:80], "msg": str(e)[:500], "where": where}
        try:
            sys.stdout.flush()
        except BaseException:  # noqa: B902
            pass
        _send(out)


main()
`;
