/**
 * The two Python processes of a test run (`assert` and `calls` formats), each in its own sandbox:
 *
 * - `PYTHON_PROGRAM_SERVER` (`/box/program.py`, UNTRUSTED): runs the program in a module named `solution`
 *   (so `if __name__ == "__main__":` blocks do not run, as in HumanEval's harness) and then answers requests
 *   on fd 3: look up a name, call a function, read an attribute, iterate. Results go back as tagged JSON; a value
 *   that is not plain data (int, float, str, bytes, bool, None, list, tuple, dict, set, frozenset, complex of
 *   exactly those types; Fraction, Decimal, numpy scalars) goes back as an opaque handle. It never sees the tests or the expected values, and
 *   nothing it says is a verdict: the program may rewrite this whole file's behaviour and only changes what
 *   its own functions appear to return.
 * - `PYTHON_TEST_RUNNER` (`/box/tests.py`, TRUSTED, never runs the program's code): runs the test code with
 *   every name the tests use but do not define (and that is not a builtin or a library module) bound to a
 *   proxy of the program's object in the other process; a library module or function the program imported is
 *   the tests' own import of it. It decodes every answer into fresh builtin values, so comparisons, `abs`,
 *   `math.isclose`, `json` and the verdict are all its own. It writes the verdict on its fd 3.
 *
 * The program server is in python-program-server.ts, the codec both use in python-codec.ts; this file holds the
 * test runner.
 */
import { PY_CODEC } from "./python-codec.js";

/** Source of `tests.py`: the trusted side (see the file comment). */
export const PYTHON_TEST_RUNNER =
  String.raw`
import ast, builtins, importlib, os, sys, types
` +
  PY_CODEC +
  String.raw`

_REPR_MAX = 300
_write = os.write


class ProgramExited(BaseException):
    """The program's process ended (or broke the protocol) while the tests needed it. Raising one is
    remembered: tests that swallow it (a bare except: around a call expected to raise) still get no pass."""

    def __init__(self, *args):
        BaseException.__init__(self, *args)
        if not _exited:
            _exited.append(str(args[0]) if args else "the program's process ended")


_exited = []


class ProgramError(Exception):
    """An exception the program raised whose type is not a builtin exception."""


def _short(v):
    try:
        r = repr(v)
    except BaseException as e:  # noqa: B902
        r = "<unrepresentable %s: %s>" % (type(v).__name__, type(e).__name__)
    return r if len(r) <= _REPR_MAX else r[: _REPR_MAX - 3] + "..."


class _Channel:
    def __init__(self, fd):
        self.fd = fd
        self.buf = b""
        self.next_id = 0

    def send(self, obj):
        data = (_json.dumps(obj) + "\n").encode("utf-8", "surrogatepass")
        while data:
            data = data[_write(self.fd, data):]

    def line(self):
        while b"\n" not in self.buf:
            chunk = os.read(self.fd, 1 << 20)
            if not chunk:
                raise ProgramExited("the program's process ended")
            self.buf += chunk
        line, _, self.buf = self.buf.partition(b"\n")
        return line

    def message(self):
        try:
            m = _json.loads(self.line())
        except ValueError:
            raise ProgramExited("the program's process sent a malformed message")
        if type(m) is not dict:
            raise ProgramExited("the program's process sent a malformed message")
        return m

    def request(self, op, **fields):
        self.next_id += 1
        rid = self.next_id
        fields["op"] = op
        fields["id"] = rid
        self.send({"to": "program", "msg": fields})
        while True:
            m = self.message()
            if m.get("id") == rid:
                return m


_chan = None


class Remote(object):
    """A proxy of one of the program's objects; every operation is a request to the program's process."""

    __slots__ = ("_h", "_kind", "_call")

    def __init__(self, h, kind, call):
        object.__setattr__(self, "_h", h)
        object.__setattr__(self, "_kind", kind)
        object.__setattr__(self, "_call", call)

    def __call__(self, *args, **kw):
        if not object.__getattribute__(self, "_call"):
            raise TypeError("'%s' object (of the program) is not callable" % object.__getattribute__(self, "_kind"))
        back = [type(a) in (list, dict, set) for a in args]
        enc_args = [_enc(a, _arg_handle) for a in args]
        enc_kw = {str(k): _enc(v, _arg_handle) for k, v in kw.items()}
        m = _chan.request("call", h=object.__getattribute__(self, "_h"), args=enc_args, kw=enc_kw, back=any(back))
        result = _answer(m)
        if any(back):
            _copy_back(args, m.get("back"))
        return result

    def __getattr__(self, name):
        _plain_attr(name)
        return _answer(_chan.request("attr", h=object.__getattribute__(self, "_h"), name=name))

    def __setattr__(self, name, value):
        _plain_attr(name)
        _answer(_chan.request("setattr", h=object.__getattribute__(self, "_h"), name=name, args=[_enc(value, _arg_handle)]))

    def __iter__(self):
        return iter(_answer(_chan.request("iter", h=object.__getattribute__(self, "_h"))))

    def __getitem__(self, key):
        return _answer(_chan.request("item", h=object.__getattribute__(self, "_h"), args=[_enc(key, _arg_handle)]))

    def __len__(self):
        n = _answer(_chan.request("len", h=object.__getattribute__(self, "_h")))
        if type(n) is not int:
            raise TypeError("len() of the program's object is not an int")
        return n

    def __eq__(self, other):
        return self is other

    def __ne__(self, other):
        return self is not other

    __hash__ = object.__hash__

    def __bool__(self):
        b = _answer(_chan.request("bool", h=object.__getattribute__(self, "_h")))
        if type(b) is not bool:
            raise TypeError("bool() of the program's object is not a bool")
        return b

    def __repr__(self):
        return "<%s object of the program>" % object.__getattribute__(self, "_kind")


# Dunder attributes a proxy answers: plain names only. Libraries in this process look protocol attributes up on
# the instance (numpy's __array_interface__, whose data may be a raw address, then read or written there;
# copy's __deepcopy__), so an answer to one would let the program steer this process's own code.
_PLAIN_DUNDERS = frozenset({"__name__", "__qualname__", "__doc__", "__module__"})


def _plain_attr(name):
    if type(name) is not str or (name.startswith("__") and name.endswith("__") and name not in _PLAIN_DUNDERS):
        raise AttributeError("the program's objects do not answer %r here" % (name,))


def _arg_handle(v):
    if type(v) is Remote:
        return {"h": object.__getattribute__(v, "_h")}
    raise TypeError("cannot pass a %s to the program (only plain data and the program's own objects)" % type(v).__name__)


# Libraries the tests' side imports itself when the tests use one without importing it (the program's
# import would otherwise hand the tests the program's copy, patched or fake: math.isclose = lambda *a: True).
_LIBRARIES = (frozenset(getattr(sys, "stdlib_module_names", ())) | {"numpy"}) - {
    "antigravity", "this", "idlelib", "turtledemo", "turtle", "tkinter", "test", "lib2to3", "ensurepip", "venv", "pydoc_data"}
_ALIASES = {"np": "numpy"}
# Modules whose functions a test may take from the program's imports by name (from math import isclose,
# then isclose(...) in the tests): computations on data only, so naming one gives the program no reach
# into this process.
_PURE = frozenset({"math", "cmath", "fractions", "decimal", "statistics", "heapq", "bisect", "collections", "itertools",
                   "functools", "operator", "string", "re", "random", "copy", "json", "datetime", "typing", "numpy"})
_NOT_LIBRARY = object()


def _library(mod, qual=None):
    """The tests' own object mod.qual of a trusted library, or _NOT_LIBRARY."""
    if type(mod) is not str or mod.split(".")[0] not in _LIBRARIES or any(p.startswith("_") or not p for p in mod.split(".")):
        return _NOT_LIBRARY
    try:
        obj = importlib.import_module(mod)
        if qual is not None:
            for part in str(qual).split("."):
                if part.startswith("_") or "<" in part:
                    return _NOT_LIBRARY
                obj = getattr(obj, part)
    except BaseException:  # noqa: B902
        return _NOT_LIBRARY
    return obj


def _claimed_library(name, m):
    """For a name the tests use without defining it: the tests' own library module or function the
    program's object says it is, or _NOT_LIBRARY. Only a module, or a function or class of a pure library
    whose own name is the name the tests use; never for call results or attributes (a program could
    otherwise have the tests compare against unittest.mock.ANY or call builtins.exec)."""
    h = m.get("ok")
    if type(h) is not dict or "h" not in h or type(h.get("mod")) is not str:
        return _NOT_LIBRARY
    if "qual" not in h:
        # A module alias (import math as m): only a data-only library's, so a name cannot become, say,
        # unittest.mock (whose ANY equals everything) or os.
        if h["mod"].split(".")[0] not in _PURE:
            return _NOT_LIBRARY
        lib = _library(h["mod"])
        return lib if isinstance(lib, types.ModuleType) else _NOT_LIBRARY
    qual = h.get("qual")
    if h["mod"].split(".")[0] not in _PURE or type(qual) is not str or qual.split(".")[-1] != name:
        return _NOT_LIBRARY
    lib = _library(h["mod"], qual)
    if lib is _NOT_LIBRARY or isinstance(lib, types.ModuleType) or not callable(lib):
        return _NOT_LIBRARY
    return lib


def _result_handle(h):
    i = h.get("h")
    if type(i) is not int:
        raise ValueError("bad handle")
    return Remote(i, str(h.get("k", "object"))[:80], bool(h.get("call")))


def _copy_back(args, back):
    if type(back) is not list or len(back) != len(args):
        return
    for a, b in zip(args, back):
        if b is None:
            continue
        try:
            new = _dec(b, _result_handle)
        except (ValueError, RecursionError):
            continue
        if type(a) is list and type(new) is list:
            a[:] = new
        elif type(a) is dict and type(new) is dict:
            a.clear()
            a.update(new)
        elif type(a) is set and type(new) is set:
            a.clear()
            a.update(new)


_EXC = {n: getattr(builtins, n) for n in dir(builtins)
        if isinstance(getattr(builtins, n), type) and issubclass(getattr(builtins, n), Exception)}


def _answer(m):
    if "exit" in m:
        raise ProgramExited(str(m["exit"])[:500])
    if "err" in m:
        name = str(m.get("err"))[:80]
        msg = str(m.get("msg", ""))[:500]
        cls = _EXC.get(name)
        if cls is MemoryError:
            raise MemoryError(msg)
        if cls is StopIteration or cls is StopAsyncIteration:
            # As PEP 479 does for generators: a StopIteration out of a call would silently end the
            # tests' map()/filter()/zip()/iter(f, x) loop early, so all(map(...)) would hold unchecked.
            raise RuntimeError("the program raised %s%s" % (name, ": " + msg if msg else ""))
        e = cls(msg) if cls is not None else ProgramError("%s: %s" % (name, msg) if msg else name)
        where = m.get("where")
        if where:
            e.sp_where = str(where)[:300]
        raise e
    if "ok" not in m:
        raise ProgramExited("the program's process sent a malformed answer")
    try:
        return _dec(m["ok"], _result_handle)
    except (ValueError, RecursionError, TypeError) as e:
        raise ProgramExited("the program's process sent a malformed value (%s)" % e)


class _TestGlobals(dict):
    """Globals of the test code: a name the tests do not define and that is not a builtin is the program's."""

    program_names = frozenset()

    def __missing__(self, name):
        if name not in self.program_names and (name in builtins.__dict__ or name.startswith("__")):
            raise KeyError(name)
        if name not in self.program_names:
            # A library module the tests use without importing it (MBPP's math.isclose): the tests' own.
            lib = _library(_ALIASES.get(name, name))
            if isinstance(lib, types.ModuleType) and lib.__name__.split(".")[0] in (name, _ALIASES.get(name)):
                self[name] = lib
                return lib
        m = _chan.request("get", name=name)
        if name not in self.program_names:
            lib = _claimed_library(name, m)
            if lib is not _NOT_LIBRARY:
                self[name] = lib
                return lib
        v = _answer(m)
        self[name] = v
        return v


def _sp_eq(left, right):
    return left == right


def _sp_msg(left, right):
    return "%s != %s" % (_short(left), _short(right))


class _AssertRewriter(ast.NodeTransformer):
    def visit_Assert(self, node):
        t = node.test
        if node.msg is None and isinstance(t, ast.Compare) and len(t.ops) == 1 and isinstance(t.ops[0], ast.Eq):
            ln = dict(lineno=node.lineno, col_offset=node.col_offset)
            lname, rname = "_sp_l_%d" % node.lineno, "_sp_r_%d" % node.lineno
            left = ast.NamedExpr(target=ast.Name(lname, ast.Store(), **ln), value=t.left, **ln)
            right = ast.NamedExpr(target=ast.Name(rname, ast.Store(), **ln), value=t.comparators[0], **ln)
            test = ast.Call(func=ast.Name("_sp_eq", ast.Load(), **ln), args=[left, right], keywords=[], **ln)
            msg = ast.Call(func=ast.Name("_sp_msg", ast.Load(), **ln),
                           args=[ast.Name(lname, ast.Load(), **ln), ast.Name(rname, ast.Load(), **ln)], keywords=[], **ln)
            return ast.copy_location(ast.Assert(test=test, msg=msg), node)
        return node


def _compile_tests(src):
    tree = ast.parse(src, "<tests>")
    try:
        tree = ast.fix_missing_locations(_AssertRewriter().visit(tree))
        return compile(tree, "<tests>", "exec")
    except Exception:
        return compile(src, "<tests>", "exec")


def _describe(e):
    msg = str(e)
    name = type(e).__name__
    if isinstance(e, ProgramError):
        return msg
    return "%s: %s" % (name, msg) if msg else name


def _json_eq(a, b):
    if b is None:
        return a is None
    if isinstance(b, bool):
        return type(a) is bool and a == b
    if isinstance(b, (int, float)):
        if type(a) not in (int, float):
            return False
        if type(a) is int and type(b) is int:
            return a == b
        if _math.isnan(a) and _math.isnan(b):
            return True
        if type(b) is int:
            # An integer is expected (it came through a JSON double, hence float(b)). A whole float must be that
            # number, and any other float lie within rounding of it (1e-6, or 16 units in the last place of a large
            # one): the relative tolerance alone let a wrong integer pass as a float (123456789100.0 for
            # 123456789012, an unfloored n / 2).
            if type(a) is float and a.is_integer():
                return a == float(b)
            return abs(a - b) <= min(1e-9 * max(abs(a), abs(b)) + 1e-12, max(1e-6, abs(b) * 2.0 ** -48))
        return _math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)
    if isinstance(b, str):
        return type(a) is str and a == b
    if isinstance(b, list):
        return type(a) in (list, tuple) and len(a) == len(b) and all(_json_eq(x, y) for x, y in zip(a, b))
    if isinstance(b, dict):
        if type(a) is not dict or len(a) != len(b):
            return False
        keyed = {str(k): v for k, v in a.items()}
        return len(keyed) == len(b) and all(k in keyed and _json_eq(keyed[k], v) for k, v in b.items())
    return False


def main():
    global _chan
    _chan = _Channel(3)
    try:
        os.set_blocking(3, True)
    except OSError:
        pass

    def report(status, **fields):
        if status == "passed" and _chan.next_id == 0:
            # Test code that never asked the program for anything (only comments, a check() never called, no
            # cases) checked nothing: no pass, whatever the program is.
            status, fields = "error", {"message": "the tests never used the program: nothing was checked", "phase": "tests"}
        fields["status"] = status
        _chan.send({"to": "parent", "verdict": fields})

    spec = _chan.message()
    fmt = spec["format"]
    try:
        ready = _chan.message()
    except ProgramExited as e:
        report("exited", message="the program's process ended before the tests ran")
        return
    if ready.get("ready") is not True:
        kind = ready.get("kind")
        report("memory" if kind == "memory" else "error", message=str(ready.get("message", "the program did not load"))[:2000], phase="program")
        return

    if fmt == "assert":
        tests = spec.get("tests") or ""
        g = _TestGlobals()
        g.program_names = frozenset(spec.get("programNames") or [])
        g["__builtins__"] = builtins
        g["__name__"] = "__main__"
        g["_sp_eq"] = _sp_eq
        g["_sp_msg"] = _sp_msg
        setup = spec.get("setup")
        if setup:
            try:
                exec(compile(setup, "<setup>", "exec"), g)
            except BaseException:  # noqa: B902
                pass
            for name in spec.get("programNames") or []:
                g.pop(name, None)
        try:
            compiled_tests = _compile_tests(tests)
        except SyntaxError as e:
            report("error", message="the test code does not compile: %s (line %s)" % (_describe(e), e.lineno), phase="tests")
            return
        try:
            exec(compiled_tests, g)
        except ProgramExited as e:
            report("exited", message=str(e), phase="tests")
            return
        except MemoryError as e:
            report("memory", message=_describe(e), phase="tests")
            return
        except BaseException as e:  # noqa: B902
            where = _where(e.__traceback__, "<tests>", tests)
            msg = _describe(e)
            if getattr(e, "sp_where", None):
                msg += " at " + e.sp_where
            report("failed", message=msg, failedTest=where or "", testsPassed=0, testsTotal=1, phase="tests")
            return
        if _exited:
            report("exited", message=_exited[0], phase="tests")
            return
        report("passed", testsPassed=1, testsTotal=1)
        return

    cases = spec.get("cases") or []
    run_all = bool(spec.get("runAll"))
    passed = 0
    first = None
    g = _TestGlobals()
    g.program_names = frozenset(spec.get("programNames") or [])
    g["__builtins__"] = builtins
    for i, case in enumerate(cases):
        label = "%s(%s)" % (case["fn"], ", ".join(_short(a) for a in case["args"]))
        try:
            fn = eval(case["fn"], g)
            result = fn(*case["args"])
            ok = _json_eq(result, case["expected"])
            why = None if ok else "expected %s, got %s" % (_short(case["expected"]), _short(result))
        except ProgramExited as e:
            report("exited", message=str(e), failedTest=label, failedTestIndex=i, testsPassed=passed, testsTotal=len(cases), phase="tests")
            return
        except MemoryError as e:
            report("memory", message=_describe(e), failedTest=label, failedTestIndex=i,
                   testsPassed=passed, testsTotal=len(cases), phase="tests")
            return
        except BaseException as e:  # noqa: B902
            ok = False
            why = _describe(e) + (" at " + e.sp_where if getattr(e, "sp_where", None) else "")
        if ok:
            passed += 1
        elif first is None:
            first = (i, label, why)
            if not run_all:
                break
    if _exited:
        report("exited", message=_exited[0], testsPassed=passed, testsTotal=len(cases), phase="tests")
    elif first is None:
        report("passed", testsPassed=passed, testsTotal=len(cases))
    else:
        report("failed", failedTestIndex=first[0], failedTest=first[1], message=first[2],
               testsPassed=passed, testsTotal=len(cases), phase="tests")


main()
`;
