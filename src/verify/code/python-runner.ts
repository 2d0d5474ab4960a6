/**
 * The Python test harness that runs inside the sandbox (`/box/runner.py`) for the `assert` and `calls`
 * formats. It reads its spec (code, tests, nonce) from fd 3, runs the program in a module namespace named
 * `solution` (so `if __name__ == "__main__":` blocks do not run, as in HumanEval's harness), then the tests,
 * and writes one JSON verdict line carrying the nonce back on fd 3. A program that exits early (sys.exit,
 * os._exit) never writes the verdict, so it cannot pass by skipping the tests.
 *
 * Asserts of the form `assert L == R` are rewritten to report both values on failure, and to fail when the
 * result's class (defined by the program) overrides `__eq__`, the "always equal" reward hack.
 */

/** Source of `runner.py` (kept free of backticks and dollar-brace so it can live in a template string). */
export const PYTHON_RUNNER = String.raw`
import ast, builtins, json, math, os, sys, types

_write = os.write
_dumps = json.dumps
_REPR_MAX = 300


def _short(v):
    try:
        r = repr(v)
    except BaseException as e:  # noqa: B902
        r = "<unrepresentable %s: %s>" % (type(v).__name__, type(e).__name__)
    return r if len(r) <= _REPR_MAX else r[: _REPR_MAX - 3] + "..."


def _read_spec(fd):
    parts = []
    while True:
        chunk = os.read(fd, 1 << 16)
        if not chunk:
            break
        parts.append(chunk)
        if chunk.endswith(b"\n"):
            break
    return json.loads(b"".join(parts))


def _user_eq_class(v):
    t = type(v)
    for k in t.__mro__:
        if k.__module__ == "solution" and ("__eq__" in k.__dict__ or "__ne__" in k.__dict__):
            return k
    return None


def _sp_eq(left, right):
    k = _user_eq_class(left) or _user_eq_class(right)
    if k is not None:
        raise AssertionError("the value's class %s (defined by the program) overrides __eq__; results must be plain values" % k.__name__)
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
    try:
        tree = ast.parse(src, "<tests>")
        tree = ast.fix_missing_locations(_AssertRewriter().visit(tree))
        return compile(tree, "<tests>", "exec")
    except SyntaxError:
        raise
    except Exception:
        return compile(src, "<tests>", "exec")


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


def _describe(e):
    msg = str(e)
    name = type(e).__name__
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
        if math.isnan(a) and math.isnan(b):
            return True
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)
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


def _flush():
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except BaseException:  # noqa: B902
        pass


def main():
    spec = _read_spec(3)
    nonce = spec.pop("nonce")
    os.set_inheritable(3, False)

    def report(status, **fields):
        fields["status"] = status
        fields["nonce"] = nonce
        data = (_dumps(fields) + "\n").encode("utf-8")
        while data:
            data = data[_write(3, data):]

    fmt = spec["format"]
    code = spec["code"]
    # What the tests lean on: restored after the program ran, so it cannot patch abs(), math.isclose, ...
    saved = [(builtins, dict(builtins.__dict__)), (math, dict(math.__dict__))]
    mod = types.ModuleType("solution")
    mod.__file__ = "<solution>"
    sys.modules["solution"] = mod
    g = mod.__dict__
    g["__builtins__"] = builtins
    try:
        compiled = compile(code, "<solution>", "exec")
    except SyntaxError as e:
        report("error", message="%s (line %s)" % (_describe(e), e.lineno), phase="compile")
        return
    except (ValueError, MemoryError, RecursionError) as e:
        report("memory" if isinstance(e, MemoryError) else "error", message=_describe(e), phase="compile")
        return
    try:
        exec(compiled, g)
    except SystemExit as e:
        report("error", message="the program exited (sys.exit(%s)) before the tests ran" % _short(e.code), phase="program")
        return
    except MemoryError as e:
        report("memory", message=_describe(e), phase="program")
        return
    except BaseException as e:  # noqa: B902
        where = _where(e.__traceback__, "<solution>", code)
        report("error", message=_describe(e) + (" at " + where if where else ""), phase="program")
        return
    _flush()
    for module, original in saved:
        module.__dict__.update(original)

    if fmt == "assert":
        tests = spec.get("tests") or ""
        g["_sp_eq"] = _sp_eq
        g["_sp_msg"] = _sp_msg
        try:
            compiled_tests = _compile_tests(tests)
        except SyntaxError as e:
            report("error", message="the test code does not compile: %s (line %s)" % (_describe(e), e.lineno), phase="tests")
            return
        try:
            exec(compiled_tests, g)
        except SystemExit as e:
            report("error", message="the program exited (sys.exit(%s)) during the tests" % _short(e.code), phase="tests")
            return
        except MemoryError as e:
            report("memory", message=_describe(e), phase="tests")
            return
        except BaseException as e:  # noqa: B902
            where = _where(e.__traceback__, "<tests>", tests)
            report("failed", message=_describe(e), failedTest=where or "", testsPassed=0, testsTotal=1, phase="tests")
            return
        _flush()
        report("passed", testsPassed=1, testsTotal=1)
        return

    cases = spec.get("cases") or []
    run_all = bool(spec.get("runAll"))
    passed = 0
    first = None
    for i, case in enumerate(cases):
        label = "%s(%s)" % (case["fn"], ", ".join(_short(a) for a in case["args"]))
        try:
            fn = eval(case["fn"], g)
            result = fn(*case["args"])
            ok = _json_eq(result, case["expected"])
            why = None if ok else "expected %s, got %s" % (_short(case["expected"]), _short(result))
        except SystemExit as e:
            report("error", message="the program exited (sys.exit(%s)) during the tests" % _short(e.code),
                   failedTest=label, failedTestIndex=i, testsPassed=passed, testsTotal=len(cases), phase="tests")
            return
        except MemoryError as e:
            report("memory", message=_describe(e), failedTest=label, failedTestIndex=i,
                   testsPassed=passed, testsTotal=len(cases), phase="tests")
            return
        except BaseException as e:  # noqa: B902
            ok = False
            where = _where(e.__traceback__, "<solution>", code)
            why = _describe(e) + (" at " + where if where else "")
        if ok:
            passed += 1
        elif first is None:
            first = (i, label, why)
            if not run_all:
                break
    _flush()
    if first is None:
        report("passed", testsPassed=passed, testsTotal=len(cases))
    else:
        report("failed", failedTestIndex=first[0], failedTest=first[1], message=first[2],
               testsPassed=passed, testsTotal=len(cases), phase="tests")


main()
`;
