"""Static checks of exported training scripts, without importing torch or keras.

For each script: it compiles; importing it runs nothing but imports, constant
settings and definitions (training starts only under `if __name__ == "__main__"`);
every name a function or class uses is defined in the module or is a built-in.
Prints {path: [problems]} as JSON, and an AST dump of each script with
--dump (to compare scripts while ignoring comments).
Usage: python checkScripts.py [--dump] SCRIPT...
"""
import ast
import builtins
import json
import symtable
import sys


def is_main_guard(node):
    if not isinstance(node, ast.If):
        return False
    test = node.test
    return (
        isinstance(test, ast.Compare)
        and isinstance(test.left, ast.Name)
        and test.left.id == "__name__"
        and len(test.comparators) == 1
        and isinstance(test.comparators[0], ast.Constant)
        and test.comparators[0].value == "__main__"
    )


def top_level_problems(tree):
    problems = []
    guard = False
    for node in tree.body:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            continue
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            if node.decorator_list:
                problems.append(f"line {node.lineno}: a decorator on {node.name} runs at import time")
            continue
        if isinstance(node, ast.Assign):
            try:
                ast.literal_eval(node.value)
            except ValueError:
                problems.append(f"line {node.lineno}: an assignment computes something at import time")
            continue
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            continue
        if is_main_guard(node):
            guard = True
            continue
        problems.append(f"line {node.lineno}: a {type(node).__name__} statement runs at import time")
    if not guard:
        problems.append('no `if __name__ == "__main__":` guard')
    return problems


def undefined_names(source, path):
    table = symtable.symtable(source, path, "exec")
    defined = {s.get_name() for s in table.get_symbols() if s.is_assigned() or s.is_imported() or s.is_namespace()}
    # module attributes every script has (`__file__`: the dataset file is found beside the script)
    known = defined | set(dir(builtins)) | {"__file__", "__name__"}
    problems = []

    def walk(scope):
        for s in scope.get_symbols():
            if s.is_referenced() and s.is_global() and s.get_name() not in known:
                problems.append(f"'{s.get_name()}' is used in {scope.get_name()} but never defined")
        for child in scope.get_children():
            walk(child)

    for child in table.get_children():
        walk(child)
    for s in table.get_symbols():
        if s.is_referenced() and s.get_name() not in known:
            problems.append(f"'{s.get_name()}' is used at module level but never defined")
    return problems


def check(path):
    with open(path, encoding="utf-8") as f:
        source = f.read()
    try:
        tree = ast.parse(source, path)
        compile(source, path, "exec")
    except SyntaxError as e:
        return [f"syntax error at line {e.lineno}: {e.msg}"], None
    return top_level_problems(tree) + undefined_names(source, path), ast.dump(tree)


def main(args):
    dump = args[:1] == ["--dump"]
    paths = args[1:] if dump else args
    out = {}
    for path in paths:
        problems, tree = check(path)
        out[path] = {"problems": problems, **({"ast": tree} if dump else {})}
    print(json.dumps(out))


if __name__ == "__main__":
    main(sys.argv[1:])
