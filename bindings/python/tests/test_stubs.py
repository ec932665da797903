"""The type stubs (`awsig/_awsig.pyi`) say what the module has: the same
names, and for every function and method the same parameters, kinds and
defaults as the compiled signatures."""

import ast
import inspect
import pathlib
import sys

import awsig

STUB = pathlib.Path(awsig.__file__).with_name("_awsig.pyi")


def stub_tree():
    return ast.parse(STUB.read_text(encoding="utf-8"))


def params(fn):
    """(name, kind, default) of a stub function's parameters, `self` dropped."""
    a = fn.args
    out = []
    positional = a.posonlyargs + a.args
    defaults = [None] * (len(positional) - len(a.defaults)) + list(a.defaults)
    for arg, default in zip(positional, defaults):
        out.append((arg.arg, "positional", None if default is None else ast.literal_eval(default)))
    for arg, default in zip(a.kwonlyargs, a.kw_defaults):
        out.append((arg.arg, "keyword", None if default is None else ast.literal_eval(default)))
    return [p for p in out if p[0] != "self"]


def runtime_params(obj):
    out = []
    for p in inspect.signature(obj).parameters.values():
        if p.name == "self":
            continue
        kind = "keyword" if p.kind is p.KEYWORD_ONLY else "positional"
        default = None if p.default is p.empty else p.default
        out.append((p.name, kind, default))
    return out


def test_stub_names_are_the_module_names():
    tree = stub_tree()
    names = {n.name for n in tree.body if isinstance(n, (ast.ClassDef, ast.FunctionDef))}
    names |= {t.target.id for t in tree.body if isinstance(t, ast.AnnAssign)} - {"TimeLike"}
    public = set(awsig.__all__)
    assert public <= names | {"MAX_EXPIRES"}
    assert {n for n in names if hasattr(awsig, n)} == public


def test_stub_signatures_match():
    tree = stub_tree()
    checked = 0
    for node in tree.body:
        if isinstance(node, ast.FunctionDef):
            assert params(node) == runtime_params(getattr(awsig, node.name)), node.name
            checked += 1
        if isinstance(node, ast.ClassDef) and node.name == "Signer":
            for fn in node.body:
                if not isinstance(fn, ast.FunctionDef) or any(
                        isinstance(d, ast.Name) and d.id == "property" for d in fn.decorator_list):
                    continue
                if fn.name == "__init__" and sys.version_info < (3, 10):
                    continue  # abi3 classes carry no signature before 3.10
                runtime = awsig.Signer if fn.name == "__init__" else getattr(awsig.Signer, fn.name)
                assert params(fn) == runtime_params(runtime), fn.name
                checked += 1
    assert checked == (8 if sys.version_info >= (3, 10) else 7)


def test_everything_public_has_a_docstring():
    for name in awsig.__all__:
        obj = getattr(awsig, name)
        if inspect.isclass(obj) or callable(obj):
            assert obj.__doc__, name
    for name in ("presign", "sign_headers", "sign_v2", "presign_s3", "presign_s3_many", "presign_post"):
        assert getattr(awsig.Signer, name).__doc__, name
