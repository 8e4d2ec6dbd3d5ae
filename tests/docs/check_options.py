#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""One source of truth for the options: every option --help lists must be in the getopt
table, the man page, the README's usage sections and both completions, and every option the
man page, the getopt table or the completions name must be in --help.  The same for the
subcommand diff: `icmpsweep diff --help` against the man page's COMPARING SWEEPS section, the
README's "Comparing sweeps" section and the completions.

    check_options.py ICMPSWEEP_BINARY REPO_ROOT
"""
import re
import subprocess
import sys


def fail(msgs):
    for m in msgs:
        print("options: " + m, file=sys.stderr)
    sys.exit(1)


def help_groups(binary, *args):
    """Each option of --help as a group of spellings: "-I, --input-file" is one option."""
    helptext = subprocess.run([binary, *args, "--help"], capture_output=True, text=True,
                              timeout=10, check=True).stdout
    groups = []
    for line in helptext.splitlines():
        m = re.match(r"^\s+((?:-[A-Za-z0-9]|--[a-z][a-z0-9-]*)(?:, (?:-[A-Za-z0-9]|--[a-z][a-z0-9-]*))*)",
                     line)
        if m:
            names = m.group(1).split(", ")
            # "-h, --help, -V, --version" is two options on one line.
            while names:
                if len(names) >= 2 and not names[0].startswith("--") and names[1].startswith("--"):
                    groups.append(names[:2])
                    names = names[2:]
                else:
                    groups.append(names[:1])
                    names = names[1:]
    return groups


def main():
    binary, root = sys.argv[1], sys.argv[2]
    groups = help_groups(binary)
    diff_groups = help_groups(binary, "diff")
    in_diff = {n for g in diff_groups for n in g}
    merge_groups = help_groups(binary, "merge")
    if len(merge_groups) < 4:
        fail([f"only {len(merge_groups)} options parsed from merge --help: the parser is broken"])
    if len(diff_groups) < 4:
        fail([f"only {len(diff_groups)} options parsed from diff --help: the parser is broken"])
    if len(groups) < 30:
        fail([f"only {len(groups)} options parsed from --help: the parser is broken"])
    in_help = {n for g in groups for n in g}

    def read(path):
        with open(f"{root}/{path}", encoding="utf-8") as f:
            return f.read()

    man = read("docs/icmpsweep.1")
    man_opts = man.split(".SH OPTIONS", 1)[1].split(".SH EXIT STATUS", 1)[0]
    man_named = set(re.findall(r"(?<![\w\\-])\\-\\-[a-z][a-z0-9\\-]*|(?<![\w\\-])\\-[A-Za-z0-9]\b", man_opts))
    man_named = {n.replace("\\-", "-") for n in man_named}
    man_diff = man.split(".SH COMPARING SWEEPS", 1)[1].split("\n.SH ", 1)[0]
    man_diff_named = set(re.findall(r"(?<![\w\\-])\\-\\-[a-z][a-z0-9\\-]*|(?<![\w\\-])\\-[A-Za-z0-9]\b", man_diff))
    man_diff_named = {n.replace("\\-", "-") for n in man_diff_named}

    man_merge = man.split(".SH SHARDS AND MERGE", 1)[1].split("\n.SH ", 1)[0]
    man_merge_named = {n.replace("\\-", "-") for n in re.findall(r"(?<![\w\\-])\\-\\-[a-z][a-z0-9\\-]*|(?<![\w\\-])\\-[A-Za-z0-9]\b", man_merge)}

    readme = read("README.md")
    usage = readme.split("## Usage", 1)[1].split("## Safety", 1)[0]
    readme_named = set(re.findall(r"`(--?[A-Za-z][a-z0-9-]*)", usage))
    readme_named |= set(re.findall(r"\| `?(-[A-Za-z0-9])\b", usage))
    readme_diff = usage.split("### Comparing sweeps", 1)[1].split("\n### ", 1)[0]
    readme_diff_named = set(re.findall(r"`(--?[A-Za-z][a-z0-9-]*)", readme_diff))
    readme_merge = usage.split("### Shards and merge", 1)[1].split("\n### ", 1)[0]
    readme_merge_named = set(re.findall(r"`(--?[A-Za-z][a-z0-9-]*)", readme_merge))

    cli = read("tools/cli-options.c")
    table = set("--" + n for n in re.findall(r'\{"([a-z][a-z0-9-]*)", (?:no|required|optional)_argument', cli))

    # Completions: bash's option word list and the case labels of options taking a value;
    # zsh's _arguments specs.  (compgen's and _arguments' own flags are not options.)
    opt = r"--?[A-Za-z][a-z0-9-]*"
    bash = read("docs/completion/icmpsweep.bash")
    words = re.search(r'compgen -W "(-[^"]*)"', bash)
    bash_named = set(re.findall(opt, words.group(1))) if words else set()
    for label in re.findall(r"^\s*((?:-[^\n]*\|\s*\\\n)*-[^\n]*)\)\s*$", bash, re.M):
        bash_named |= set(re.findall(opt, label))
    zsh = read("docs/completion/_icmpsweep")
    zsh_named = set()
    for a, b in re.findall(r"\{(-[A-Za-z0-9]),(--[a-z][a-z0-9-]*)\}", zsh):
        zsh_named |= {a, b}
    zsh_named |= set(re.findall(r"'(?:\([^)]*\))?\*?(--[a-z][a-z0-9-]*)\[", zsh))

    errors = []
    for g in groups:
        label = ", ".join(g)
        if not man_named & set(g):
            errors.append(f"{label}: in --help but not in docs/icmpsweep.1")
        if not readme_named & set(g):
            errors.append(f"{label}: in --help but not in the README's usage sections")
        for name in g:
            if name.startswith("--") and name not in table:
                errors.append(f"{name}: in --help but not in the getopt table")
            if name not in bash_named:
                errors.append(f"{name}: in --help but not in the bash completion")
            if name not in zsh_named:
                errors.append(f"{name}: in --help but not in the zsh completion")
    for n in sorted(man_named - in_help):
        errors.append(f"{n}: in docs/icmpsweep.1 but not in --help")
    for n in sorted(table - in_help):
        errors.append(f"{n}: in the getopt table but not in --help")
    for g in diff_groups:
        label = "diff " + ", ".join(g)
        if not man_diff_named & set(g):
            errors.append(f"{label}: in diff --help but not in the man page's COMPARING SWEEPS")
        if not readme_diff_named & set(g):
            errors.append(f"{label}: in diff --help but not in the README's Comparing sweeps")
        for name in g:
            if name not in bash_named:
                errors.append(f"diff {name}: in diff --help but not in the bash completion")
            if name not in zsh_named:
                errors.append(f"diff {name}: in diff --help but not in the zsh completion")
    # merge: each of its options in the man page's SHARDS AND MERGE, the README's "Shards and
    # merge" (-h aside: the section shows no help option) and both completions.
    for g in merge_groups:
        label = "merge " + ", ".join(g)
        if not man_merge_named & set(g):
            errors.append(f"{label}: in merge --help but not in the man page's SHARDS AND MERGE")
        if not readme_merge_named & set(g) and "-h" not in g:
            errors.append(f"{label}: in merge --help but not in the README's Shards and merge")
        for name in g:
            if name not in bash_named:
                errors.append(f"merge {name}: in merge --help but not in the bash completion")
            if name not in zsh_named:
                errors.append(f"merge {name}: in merge --help but not in the zsh completion")
    # history and map: each option in its man page section, its README section (the option
    # tables) and both completions.
    def named(text):
        return {n.replace("\\-", "-") for n in re.findall(
            r"(?<![\w\\-])\\-\\-[a-z][a-z0-9\\-]*|(?<![\w\\-])\\-[A-Za-z0-9]\b", text)}
    in_sub = set()
    for sub, man_sec, readme_sec in (("history", "HISTORY", "History database"),
                                     ("map", "OFFLINE MAPS", "Maps")):
        sub_groups = help_groups(binary, sub)
        if len(sub_groups) < 3:
            fail([f"only {len(sub_groups)} options parsed from {sub} --help: the parser is broken"])
        man_sub = named(man.split(f".SH {man_sec}\n", 1)[1].split("\n.SH ", 1)[0])
        readme_sub = set(re.findall(r"`(--?[A-Za-z][a-z0-9-]*)",
                                    usage.split(f"### {readme_sec}", 1)[1].split("\n### ", 1)[0]))
        sub_in_help = {n for g in sub_groups for n in g}
        in_sub |= sub_in_help
        for g in sub_groups:
            label = sub + " " + ", ".join(g)
            if not man_sub & set(g):
                errors.append(f"{label}: in {sub} --help but not in the man page's {man_sec}")
            if not readme_sub & set(g):
                errors.append(f"{label}: in {sub} --help but not in the README's {readme_sec}")
            for name in g:
                if name not in bash and name not in bash_named:
                    errors.append(f"{sub} {name}: in {sub} --help but not in the bash completion")
                if name not in zsh_named:
                    errors.append(f"{sub} {name}: in {sub} --help but not in the zsh completion")
        for n in sorted(man_sub - sub_in_help):
            errors.append(f"{sub} {n}: in the man page's {man_sec} but not in {sub} --help")
    for n in sorted(man_diff_named - in_diff):
        errors.append(f"diff {n}: in the man page's COMPARING SWEEPS but not in diff --help")
    for n in sorted((bash_named | zsh_named) - in_help - in_diff - in_sub):
        errors.append(f"{n}: in a completion but not in --help")
    if errors:
        fail(errors)
    print(f"options: {len(groups)} options and diff's {len(diff_groups)} agree in --help, getopt, man page, README and completions")


main()
