"""The ``chuangshu`` command line.

Help texts follow ``--lang`` when it is given on the command line, otherwise the
locale; messages (results, errors) follow ``--lang``.
"""

from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path

import click

from . import __version__, resources
from .errors import ChuangshuError, InputError, stopped_query
from .i18n import LANGS, default_lang, pick
from .render import validation_text


def _argv_lang() -> str:
    argv = sys.argv[1:]
    for i, arg in enumerate(argv):
        if arg == "--lang" and i + 1 < len(argv) and argv[i + 1] in LANGS:
            return argv[i + 1]
        if arg.startswith("--lang=") and arg[7:] in LANGS:
            return arg[7:]
    return default_lang()


def _lang_first(args: list[str]) -> list[str]:
    """``--lang`` is the group's option, and a researcher writes it after the command as often as before
    (``chuangshu assess --lang zh``): moved in front, where click reads it (not past ``--``)."""
    args = list(args)
    end = args.index("--") if "--" in args else len(args)
    for i in range(end):
        if args[i] == "--lang" and i + 1 < end and args[i + 1] in LANGS:
            return ["--lang", args[i + 1]] + args[:i] + args[i + 2:]
        if args[i].startswith("--lang=") and args[i][7:] in LANGS:
            return [args[i]] + args[:i] + args[i + 1:]
    return args


_HELP_LANG = _argv_lang()
if _HELP_LANG == "zh":  # click's own usage lines, option errors and help headings in Chinese too
    from .click_zh import install as _install_click_zh

    _install_click_zh()


def T(en: str, zh: str) -> str:
    """A help text in the language of this invocation."""
    return pick(_HELP_LANG, en, zh)


def _localize_help_option(opt):
    if opt is not None:
        opt.help = T("Show this message and exit.", "显示本帮助并退出。")
    return opt


class _Command(click.Command):
    def get_help_option(self, ctx):
        return _localize_help_option(super().get_help_option(ctx))


EXIT_INTERNAL = 3   # a bug, never "does not conform" (1) nor "unusable input" (2)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def echo(text: str = "", **kwargs) -> None:
    """click.echo without control characters: a label or a server's reply cannot move the cursor,
    recolour or retitle the user's terminal."""
    click.echo(_CONTROL.sub("?", str(text)), **kwargs)


class _Cli(click.Group):
    """Turns project errors into one line on stderr and exit code 2, and anything unexpected into one
    line and exit code 3 (set CHUANGSHU_DEBUG=1 for the traceback); never a traceback by default."""

    command_class = _Command

    def get_help_option(self, ctx):
        return _localize_help_option(super().get_help_option(ctx))

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        return super().parse_args(ctx, _lang_first(args))

    def invoke(self, ctx: click.Context):
        lang = (ctx.obj or {}).get("lang", _HELP_LANG)
        _PHASE[0] = "running"
        try:
            return super().invoke(ctx)
        except ChuangshuError as err:
            echo(err.message((ctx.obj or {}).get("lang", lang)), err=True)
            ctx.exit(err.exit_code)
        except (click.exceptions.Exit, click.ClickException, click.exceptions.Abort):
            raise
        except KeyboardInterrupt:
            _interrupted(ctx, lang)
        except BrokenPipeError:
            sys.stderr.close()  # the reader went away (| head): nothing more to say
            ctx.exit(0)
        except RecursionError:
            echo(pick(lang, "the input nests too deeply to be processed (a list or an element nested thousands deep)",
                      "输入嵌套过深，无法处理（列表或元素嵌套达数千层）"), err=True)
            ctx.exit(2)
        except MemoryError:
            echo(pick(lang, "out of memory", "内存不足"), err=True)
            ctx.exit(EXIT_INTERNAL)
        except Exception as err:  # noqa: BLE001 - the last line of defence: one line, a distinct exit code
            if stopped_query(err) or _STOPPED_BY:
                # a stop that landed inside a library's code can come out as another error (DuckDB
                # reported an import it interrupted as "'numpy' is required … but it wasn't installed")
                _interrupted(ctx, lang)
            if os.environ.get("CHUANGSHU_DEBUG"):
                raise
            detail = (str(err).splitlines() or [""])[0][:200]
            echo(pick(lang, f"internal error ({type(err).__name__}: {detail}); this is a bug — run again with "
                            f"CHUANGSHU_DEBUG=1 for the traceback and report it",
                      f"内部错误（{type(err).__name__}：{detail}）；这是程序缺陷——请设置 CHUANGSHU_DEBUG=1 重新运行以查看回溯并报告"),
                 err=True)
            ctx.exit(EXIT_INTERNAL)
        finally:
            _PHASE[0] = "after"


@click.group(cls=_Cli, help=T(
    "chuangshu: a knowledge graph of gradual community familiarization (递进式创熟). "
    "Validate case data, reason about stages and export linked data.",
    "创熟（chuangshu）：城市社区“递进式创熟”知识图谱工具。校验案例数据、推断创熟阶段、导出关联数据。",
))
@click.version_option(__version__, "--version", prog_name="chuangshu", message="%(prog)s %(version)s",
                      help=T("Show the version and exit.", "显示版本并退出。"))
@click.option("--lang", type=click.Choice(LANGS), default=None,
              help=T("Language of messages (default: from the locale, else en).",
                     "输出信息的语言（默认取自系统区域设置，否则为 en）。"))
@click.pass_context
def cli(ctx: click.Context, lang: str | None) -> None:
    import warnings

    from .errors import Notice

    ctx.ensure_object(dict)
    ctx.obj["lang"] = lang or default_lang()
    chosen = ctx.obj["lang"]

    def show(message, category, *args, **kwargs):  # one line on stderr, in the chosen language
        text = message.message(chosen) if isinstance(message, Notice) else str(message)
        echo(pick(chosen, "warning: ", "警告：") + text, err=True)

    warnings.showwarning = show
    # rdflib logs a traceback for every literal it cannot convert (a 5,000-digit integer); the value is
    # kept as written and the shapes report it, so its log stays quiet here
    import logging

    logging.getLogger("rdflib").setLevel(logging.ERROR)


def _lang(ctx: click.Context) -> str:
    return ctx.obj["lang"]


_PATHS = click.argument("paths", nargs=-1, type=click.Path(path_type=Path))


@cli.command(help=T(
    "Summarize what the graph holds: the ontology plus the bundled case data, or the given RDF files.",
    "汇总图谱内容：本体加内置案例数据，或所给的 RDF 文件。",
))
@_PATHS
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              help=T("Output format.", "输出格式。"))
@click.pass_context
def summary(ctx: click.Context, paths: tuple[Path, ...], fmt: str) -> None:
    from .render import summary_text
    from .summary import summarize_files

    lang = _lang(ctx)
    info = summarize_files(paths, lang)
    if fmt == "json":
        echo(json.dumps(info, ensure_ascii=False, indent=2))
        return
    echo(summary_text(info, lang), nl=False)


@cli.command(help=T(
    "Validate case data (default: the bundled data; otherwise Turtle, JSON-LD or N-Triples files, or the "
    "spreadsheets of chuangshu template, whose results point at the cell) against the SHACL shapes and the "
    "ontology. Exit 0 conforms, 1 does not conform, 2 input or runtime error.",
    "用 SHACL 约束与本体校验案例数据（默认：内置数据；或所给的 Turtle、JSON-LD、N-Triples 文件，或 chuangshu template "
    "的电子表格，其结果定位到单元格）。退出码：0 符合，1 不符合，2 输入或运行错误。",
))
@_PATHS
@click.option("--format", "fmt", type=click.Choice(["text", "table", "json", "turtle"]), default="text",
              help=T("Report format.", "报告格式。"))
@click.option("--allow-warnings", is_flag=True, help=T(
    "Warnings (and infos) do not make the data non-conforming.",
    "警告（及提示）不导致不符合。"))
@click.option("--engine", type=click.Choice(["compiled", "pyshacl"]), default="compiled", show_default=True, help=T(
    "compiled: the shapes as SPARQL on Oxigraph (fast); pyshacl: the reference SHACL engine (the same results, tested; "
    "--format turtle always uses it).",
    "compiled：约束编译为 SPARQL 在 Oxigraph 上运行（快）；pyshacl：参照的 SHACL 引擎（结果相同，已测试；--format turtle 总是用它）。"))
@click.pass_context
def validate(ctx: click.Context, paths: tuple[Path, ...], fmt: str, allow_warnings: bool, engine: str) -> None:
    from .validate import validate_files

    lang = _lang(ctx)
    report = validate_files(paths or None, lang=lang, allow_warnings=allow_warnings, need_report_graph=fmt == "turtle",
                            engine=engine)
    echo(validation_text(report, fmt, lang))
    if report.no_community:  # a blank template "conforms": say what was not there
        from .pipeline import no_community

        err = no_community(list(paths) or resources.data_files())
        echo(pick(lang, f"error: {err.en}", f"错误：{err.zh}"), err=True)
        ctx.exit(1 if not report.conforms else 2)
    ctx.exit(0 if report.conforms else 1)


def _stop_if_nonconforming(report, lang: str) -> None:
    """A Violation in the input stops the run: the report on stderr, exit 1."""
    if not report.conforms:
        echo(validation_text(report, "text", lang), err=True)
        echo(pick(lang, "the data does not conform to the shapes; fix it first (see chuangshu validate)",
                        "数据不符合约束，请先修正（参见 chuangshu validate）"), err=True)
        raise click.exceptions.Exit(1)


def _load_validated(paths: tuple[Path, ...], lang: str, check: bool = True):
    """(case data, ontology), the data validated first: a Violation stops the run (exit 1)."""
    from .pipeline import load_validated

    return load_validated(paths, lang=lang, check=(lambda r: _stop_if_nonconforming(r, lang)) if check else None)


def _load_checked(paths: tuple[Path, ...], lang: str, check: bool = True):
    """Ontology + case data, validated first: a Violation stops the run (exit 1)."""
    data, onto = _load_validated(paths, lang, check)
    return onto + data


def _load_part(paths: tuple[Path, ...], lang: str, keys, check: bool = True):
    """The part of the case data the named communities need, the ontology, and their IRIs (:mod:`chuangshu.pipeline`)."""
    from .pipeline import load_part

    return load_part(paths, keys, lang=lang, check=(lambda r: _stop_if_nonconforming(r, lang)) if check else None)


_REASONER = click.option("--reasoner", type=click.Choice(["auto", "hermit", "owlrl"]), default="auto",
                         help=T("OWL reasoner: HermiT (needs Java) or pure-Python OWL 2 RL; auto takes HermiT when Java is present.",
                                "OWL 推理机：HermiT（需 Java）或纯 Python 的 OWL 2 RL；auto 在有 Java 时用 HermiT。"))
_ENGINE = click.option("--engine", type=click.Choice(["oxigraph", "rdflib"]), default="oxigraph",
                       help=T("SPARQL engine for the rules (this command runs the reference path: the OWL reasoner, "
                              "then the rules, keeping their provenance).",
                              "运行规则的 SPARQL 引擎（本命令走参照路径：先 OWL 推理机，再运行规则，并保留其溯源）。"))
# the engine of a command that needs only the results (chuangshu.pipeline.assess_files)
_ENGINES = click.option("--engine", type=click.Choice(["auto", "reference", "oxigraph", "duckdb", "rdflib"]), default="auto",
                        show_default=True, help=T(
    "Where the assessment runs, with the same results: oxigraph (compiled entailments and the rules in one in-memory "
    "store), duckdb (everything compiled to SQL: a city), reference (the OWL reasoner, HermiT or OWL 2 RL per "
    "--reasoner, then the rules on Oxigraph; rdflib: on rdflib — keeps the rules' provenance, for Turtle). auto takes "
    "duckdb for RDF input of 8 MB or more, else oxigraph (reference for --format turtle).",
    "评估在何处运行（结果相同）：oxigraph（编译的蕴涵与规则在同一个内存存储中）、duckdb（全部编译为 SQL：适合全市）、"
    "reference（OWL 推理机——按 --reasoner 用 HermiT 或 OWL 2 RL——再在 Oxigraph 上运行规则；rdflib：在 rdflib 上运行；"
    "保留规则的溯源，供 Turtle 输出）。auto 对 8 MB 及以上的 RDF 输入选 duckdb，否则选 oxigraph（--format turtle 时选 reference）。"))
_WITH_REFERENCE = click.option("--with-reference", "with_reference", is_flag=True, help=T(
    "Add the paper's D and S (the bundled data) beside your files, as the comparison a paper makes.",
    "在您的文件之外加入论文的 D、S 社区（内置数据），如论文中的对照。"))


def _and_reference(paths, with_reference: bool) -> tuple:
    """The files, and with --with-reference the bundled data beside them (no file twice)."""
    paths = tuple(paths)
    if not with_reference or not paths:  # no files: the bundled data are the input anyway
        return paths
    mine = {Path(p).resolve() for p in paths}
    return paths + tuple(f for f in resources.data_files() if f.resolve() not in mine)


_AS_OF = click.option("--as-of", "as_of", default=None, metavar="DATE",
                      help=T("Assess as of a past date (YYYY-MM-DD, YYYY-MM or YYYY).",
                             "按过去某一日期评估（YYYY-MM-DD、YYYY-MM 或 YYYY）。"))
_FILES = click.argument("files", nargs=-1, type=click.Path(path_type=Path))
_TABLE_OUTPUT = click.option("-o", "--output", type=click.Path(path_type=Path), default=None, metavar="FILE", help=T(
    "Write the table to FILE (needed for xlsx; written whole or not at all, never over an input).",
    "将表格写入 FILE（xlsx 必需；要么完整写出要么不写，绝不覆盖输入文件）。"))
_DATA_FILES = click.option("--data", "paths", multiple=True, type=click.Path(path_type=Path),
                           help=T("Case data files, as the FILES arguments (default: the bundled data); repeatable.",
                                  "案例数据文件，同 FILES 参数（默认：内置数据），可重复。"))
def _remote_options(f):
    """--user, --password (asked for when given without a value), --timeout and --max-reply."""
    f = click.option("--max-reply", "max_reply", type=click.IntRange(1, 1_000_000), default=512, show_default=True,
                     metavar="MIB", help=T("Largest server reply read, in MiB.", "读取服务器应答的上限（MiB）。"))(f)
    f = click.option("--timeout", type=click.FloatRange(0.1, 86_400), default=120, show_default=True, metavar="SECONDS",
                     help=T("Time allowed for each request to the server (for query, also for a local query).",
                            "每次请求服务器的时限（秒）（对 query 而言，也是本地查询的时限）。"))(f)
    f = click.option("--password", default=None, envvar="CHUANGSHU_PASSWORD", prompt=T("Password", "密码"),
                     prompt_required=False, hide_input=True, help=T(
                         "Password: give --password alone to be asked for it, or set CHUANGSHU_PASSWORD "
                         "(a value on the command line is visible to other users in ps).",
                         "密码：只写 --password 将提示输入，或设置 CHUANGSHU_PASSWORD（在命令行中写出的值他人可在 ps 中看到）。"))(f)
    f = click.option("--user", default=None, help=T("User name for the endpoint (HTTP Basic, or Digest when the server asks).",
                                                     "端点用户名（HTTP Basic，服务器要求时用 Digest）。"))(f)
    return f


def _endpoint(ctx, url, *, user, password, timeout, max_reply, update=None, store=None):
    """The endpoint of a remote command; warns when the password was typed on the command line."""
    from click.core import ParameterSource

    from .sparql_client import Endpoint

    if password is not None and ctx.get_parameter_source("password") == ParameterSource.COMMANDLINE:
        echo(pick(_lang(ctx), "warning: a password on the command line is visible to other users (ps); "
                                    "give --password without a value to be asked, or set CHUANGSHU_PASSWORD",
                        "警告：写在命令行中的密码他人可见（ps）；只写 --password 将提示输入，或设置 CHUANGSHU_PASSWORD"), err=True)
    return Endpoint.from_url(url, update=update, store=store, user=user, password=password,
                             timeout=timeout, max_bytes=max_reply * 2**20)


_NO_VALIDATE = click.option("--no-validate", is_flag=True, help=T(
    "Skip the SHACL validation that runs first.", "跳过预先进行的 SHACL 校验。"))


@cli.command(help=T(
    "Assess every community (default: the bundled D and S): social-capital type, dimensions × scopes, "
    "cycles, stage, and the next interventions with the reason and the evidence.",
    "评估每个社区（默认：内置的 D、S 社区）：社会资本类型、维度 × 关系范围、循环、阶段，"
    "以及附理由与证据的下一步举措建议。",
))
@_PATHS
@_AS_OF
@click.option("--format", "fmt", type=click.Choice(["table", "json", "turtle", "csv", "xlsx", "parquet"]), default="table",
              help=T("Output format (json: docs/assessment.schema.json; csv: one row per community × recommendation, "
                     "labels in the chosen language, IRIs in their own columns, with -o also one row per community "
                     "beside it; xlsx: both tables, needs -o; parquet: as csv, needs -o). With --fast: one row per "
                     "community, and the validation summary beside it.",
                     "输出格式（json 见 docs/assessment.schema.json；csv：每个社区 × 每条建议一行，标签用所选语言，"
                     "IRI 各占一列，配合 -o 另写每社区一行的表；xlsx：两表，需 -o；parquet：同 csv，需 -o）。"
                     "配合 --fast：每社区一行，并附校验摘要。"))
@_TABLE_OUTPUT
@_REASONER
@_ENGINES
@_NO_VALIDATE
@click.option("--endpoint", default=None, metavar="URL", help=T(
    "Run the rules on a remote SPARQL 1.1 endpoint holding the knowledge graph (see chuangshu push) and read the assessment back.",
    "在存有知识图谱的远程 SPARQL 1.1 端点上运行规则（见 chuangshu push），并读回评估。"))
@click.option("--graph", "graph_iri", default=None, metavar="IRI", help=T(
    "With --endpoint: the named graph holding ontology, data and entailments.", "配合 --endpoint：存放本体、数据与蕴涵的命名图。"))
@click.option("--update", "update_url", default=None, metavar="URL", help=T(
    "With --endpoint: the SPARQL Update URL (default: derived from the endpoint).", "配合 --endpoint：SPARQL 更新地址（默认由端点推得）。"))
@_remote_options
@click.option("--community", "chosen", multiple=True, metavar="COMMUNITY", help=T(
    "Assess only this community (an ID, a label or an IRI; repeatable), reasoning over its part of the data "
    "alone: on a city's file, seconds instead of the whole; the same conclusions about it.",
    "只评估该社区（ID、名称或 IRI；可重复），仅对其所涉数据推理：在全市数据文件上只需数秒；关于它的结论相同。"))
@click.option("--fast", is_flag=True, help=T(
    "City-scale path: the whole pipeline in one engine (--scale-engine), every rule, entailment and shape compiled "
    "from the same files; prints one summary row per community. Same conclusions as the default path; no reasons or "
    "provenance are kept (explain a community for those).",
    "城市规模路径：整个流程在一个引擎中完成（--scale-engine），规则、蕴涵与约束均由同一批文件编译；每个社区输出一行摘要。"
    "结论与默认路径相同；不保留理由与溯源（需要时请对单个社区用 explain）。"))
@click.option("--scale-engine", type=click.Choice(["auto", "duckdb", "oxigraph"]), default=None, help=T(
    "Deprecated: --engine (with --fast: duckdb, oxigraph or auto).", "已弃用：请用 --engine（配合 --fast：duckdb、oxigraph 或 auto）。"))
@_WITH_REFERENCE
@click.option("--all", "every", is_flag=True, help=T(
    "Text: list every recommendation (default: the first three; JSON and the tables always hold every one).",
    "文本输出：列出全部建议（默认前三条；JSON 与表格总是包含全部）。"))
@click.pass_context
def assess(ctx, paths, as_of, fmt, output, reasoner, engine, no_validate, endpoint, graph_iri, update_url, user, password,
           timeout, max_reply, chosen, fast, scale_engine, with_reference, every):
    from .assess import parse_as_of
    from .canon import canonical_turtle
    from .render import SHOWN, assessment_text

    from .pipeline import assess_files

    lang = _lang(ctx)
    date = parse_as_of(as_of) if as_of is not None else None
    paths = _and_reference(paths, with_reference)
    if chosen and (fast or endpoint is not None):
        raise click.UsageError(pick(lang, "--community assesses locally; it does not go with --fast or --endpoint",
                                    "--community 在本地评估，不能与 --fast 或 --endpoint 同用"))
    if fast:
        chosen_engine = scale_engine or (engine if engine in ("auto", "duckdb", "oxigraph") else "auto")
        _assess_fast(paths, date, fmt, lang, not no_validate, output, chosen_engine)
        return
    if fmt == "turtle" and engine in ("oxigraph", "duckdb"):
        raise click.UsageError(pick(lang, "--format turtle (the rules' conclusions with their provenance) comes from "
                                          "--engine reference (or auto)",
                                    "--format turtle（规则结论及其溯源）来自 --engine reference（或 auto）"))
    check = (lambda r: _stop_if_nonconforming(r, lang)) if not no_validate else None
    if endpoint is not None:
        from .remote import DEFAULT_GRAPH, assess_remote

        ep = _endpoint(ctx, endpoint, update=update_url, user=user, password=password, timeout=timeout, max_reply=max_reply)
        result = assess_remote(ep, graph_iri or DEFAULT_GRAPH, as_of=date, lang=lang)
    else:
        chosen_engine = "reference" if fmt == "turtle" and engine == "auto" else engine
        part = _load_part(paths, lang, chosen, check=not no_validate) if chosen else None
        result = assess_files(paths, engine=chosen_engine, as_of=date, reasoner=reasoner, lang=lang, check=check,
                              progress=sys.stderr.isatty(), loaded=part[:2] if part else None)
        if part:
            result = result.only(part[2])
    if fmt in ("csv", "xlsx", "parquet"):
        from .tables import community_table, recommendation_table

        _write_tables([recommendation_table(result, lang), community_table(result, lang)], fmt, output, lang, paths)
    elif fmt == "json":
        _emit(result.to_json(), output, lang, paths)
    elif fmt == "turtle":
        _emit(canonical_turtle(result.graph), output, lang, paths)
    else:
        _emit(assessment_text(result, lang, None if every else SHOWN), output, lang, paths)


def _require_folder_of(output: Path) -> None:
    """An output file's folder must exist (a command writes the file, not the folders above it)."""
    if not output.parent.is_dir():
        raise InputError("the output folder does not exist", "输出目录不存在", where=str(output.parent))


def _emit(text: str, output: Path | None, lang: str, inputs=()) -> None:
    """``text`` to standard output, or with -o to FILE (written whole or not at all, never over an input)."""
    if output is None:
        echo(text, nl=False)
        return
    from .canon import refuse_overwriting_inputs, write_atomic

    refuse_overwriting_inputs([output], list(inputs) or resources.data_files())
    _require_folder_of(output)
    write_atomic(output, _CONTROL.sub("?", text))  # refuses a folder, FIFO or device where the file would go
    echo(pick(lang, f"wrote {output}", f"已写出 {output}"), err=True)


def _write_tables(tables, fmt: str, output: Path | None, lang: str, inputs=()) -> None:
    """The tables to -o FILE (and beside it), or CSV and Markdown to standard output (:func:`chuangshu.tables.write_tables`)."""
    from .tables import write_tables

    if output is None and fmt in ("xlsx", "parquet"):
        raise click.UsageError(pick(lang, f"--format {fmt} needs -o FILE", f"--format {fmt} 需要 -o 文件"))
    written = write_tables(tables, fmt, output, list(inputs) or resources.data_files())
    if output is None:
        echo(written, nl=False)
        return
    for path in written:
        echo(pick(lang, f"wrote {path}", f"已写出 {path}"), err=True)


def _assess_fast(paths, date, fmt, lang, check, output=None, engine="auto") -> None:
    """``assess --fast``: the city table (:func:`chuangshu.pipeline.city_table`) out, as a table, JSON or text."""
    if fmt == "turtle":
        raise click.UsageError(pick(lang, "--fast gives table, json, csv, xlsx or parquet; use chuangshu export for RDF",
                                    "--fast 输出 table、json、csv、xlsx 或 parquet；RDF 请用 chuangshu export"))
    from .pipeline import city_table

    files = list(paths) or resources.data_files()
    with city_table(files, as_of=date, lang=lang, engine=engine, progress=sys.stderr.isatty(),
                    check=(lambda report: _stop_if_nonconforming(report, lang)) if check else None,
                    tables=fmt in ("csv", "xlsx", "parquet")) as city:
        if city.tables:
            _write_tables(city.tables, fmt, output, lang, files)
        elif fmt == "json":
            _emit(json.dumps({"as_of": str(date) if date is not None else None, "triples": city.triples,
                              "engine": city.engine, "timings_s": {k: round(v, 3) for k, v in city.timings.items()},
                              "communities": city.communities}, ensure_ascii=False, indent=2) + "\n", output, lang, files)
        else:
            from .render import fast_text, stage_counts_text

            _emit(fast_text(city.communities, lang), output, lang, files)
            echo(stage_counts_text(city.communities, lang), err=True)


@cli.command(help=T(
    "Write the spreadsheet templates for case data: an XLSX workbook (README sheet, one sheet per kind of record with "
    "drop-downs generated from the ontology, a codes sheet) and the same sheets as CSV files (UTF-8 with BOM). "
    "Blank, or filled with existing case data (--from, --bundled).",
    "写出案例数据的电子表格模板：XLSX 工作簿（说明表、每类记录一张表并带由本体生成的下拉列表、代码表）及同样内容的 CSV 文件"
    "（UTF-8 带 BOM）。可为空白模板，或填入已有案例数据（--from、--bundled）。",
))
@click.option("-o", "--output", "out_dir", type=click.Path(path_type=Path), default=Path("."), show_default=True,
              help=T("Output folder.", "输出目录。"))
@click.option("--format", "fmt", type=click.Choice(["both", "xlsx", "csv"]), default="both", show_default=True,
              help=T("Which templates to write.", "写出哪种模板。"))
@click.option("--from", "sources", multiple=True, type=click.Path(path_type=Path), metavar="FILE",
              help=T("Fill the template with these case data files (RDF or spreadsheets); repeatable.",
                     "用这些案例数据文件（RDF 或电子表格）填充模板，可重复。"))
@click.option("--bundled", "--example", "bundled", is_flag=True, help=T(
    "Fill the template with the bundled D and S cases: a filled example to copy from.",
    "用内置的 D、S 案例填充模板：可供参照的填好示例。"))
@click.option("--overwrite", is_flag=True, help=T("Replace existing files.", "替换已有文件。"))
@click.pass_context
def template(ctx, out_dir, fmt, sources, bundled, overwrite):
    from .load import load_sources
    from .template import write_templates

    lang = _lang(ctx)
    files = list(sources) + (resources.data_files() if bundled else [])
    graph = load_sources(files).graph if files else None
    for path in write_templates(out_dir, fmt, graph=graph, overwrite=overwrite, inputs=files, lang=lang):
        echo(pick(lang, f"wrote {path}", f"已写出 {path}"))


@cli.command("import", help=T(
    "Import case data from spreadsheets (the template's CSV files or XLSX workbook) into canonical Turtle, "
    "validated with the shapes. Problems are reported by file, sheet, row and column. On any Violation nothing "
    "is written unless --force. Exit 0 written and conforming, 1 Violations, 2 unusable input.",
    "将电子表格（模板的 CSV 文件或 XLSX 工作簿）中的案例数据导入为规范 Turtle，并用约束校验。问题按文件、表、行、列报告。"
    "有违规时不写出任何内容，除非加 --force。退出码：0 已写出且符合，1 有违规，2 输入无法使用。",
))
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("-o", "--output", type=click.Path(path_type=Path), required=True, help=T("Output Turtle file (.ttl).", "输出的 Turtle 文件（.ttl）。"))
@click.option("--force", is_flag=True, help=T("Write the output even when there are Violations.", "即使有违规也写出。"))
@click.option("--format", "fmt", type=click.Choice(["text", "table", "json"]), default="text",
              help=T("Report format.", "报告格式。"))
@click.pass_context
def import_(ctx, files, output, force, fmt):
    from .canon import canonical_turtle, refuse_overwriting_inputs, write_atomic
    from .spreadsheet import import_files
    from .tabular import is_spreadsheet
    from .validate import validate_graph

    lang = _lang(ctx)
    for f in files:
        if not is_spreadsheet(f):
            raise InputError("import reads spreadsheets (.csv, .xlsx); RDF files are read by validate and assess directly",
                             "import 读取电子表格（.csv、.xlsx）；RDF 文件可直接交给 validate 与 assess", where=str(f))
    if output.suffix.lower() != ".ttl":
        raise InputError("the output is written as Turtle: name it *.ttl", "输出为 Turtle 格式，文件名须以 .ttl 结尾", where=str(output))
    _require_folder_of(output)
    refuse_overwriting_inputs([output], files)
    imported = import_files(files)
    report = validate_graph(imported.graph, imported.origin, lang=lang, allow_warnings=True, problems=imported.problems)
    echo(validation_text(report, fmt, lang))
    summary = pick(lang, f"{imported.records} records, {len(imported.graph)} triples, {imported.empty_rows} empty rows skipped",
                   f"{imported.records} 条记录，{len(imported.graph)} 个三元组，跳过空行 {imported.empty_rows} 行")
    if report.conforms or force:
        write_atomic(output, canonical_turtle(imported.graph))
        echo(pick(lang, f"wrote {output}: {summary}", f"已写出 {output}：{summary}"), err=True)
    else:
        echo(pick(lang, f"nothing written (Violations; --force writes anyway): {summary}",
                        f"未写出（有违规；--force 可强制写出）：{summary}"), err=True)
    ctx.exit(0 if report.conforms else 1)


@cli.command(help=T(
    "Write synthetic communities (valid against the shapes, deterministic for a seed) as N-Triples, for city-scale runs and benchmarks.",
    "生成合成社区（符合约束、同一种子结果相同），以 N-Triples 写出，供城市规模运行与基准测试使用。",
))
@click.option("--communities", "n", type=click.IntRange(1, 10_000_000), required=True, help=T("How many communities.", "社区数量。"))
@click.option("--seed", type=int, default=0, show_default=True, help=T("Random seed.", "随机种子。"))
@click.option("-o", "--output", type=click.Path(path_type=Path), required=True, help=T("Output file (.nt).", "输出文件（.nt）。"))
@click.option("--overwrite", is_flag=True, help=T("Replace an existing file.", "替换已有文件。"))
@click.pass_context
def synth(ctx, n, seed, output, overwrite):
    from .synth import synthesize

    lang = _lang(ctx)
    if output.suffix.lower() != ".nt":
        raise InputError("synth writes N-Triples: name the output FILE.nt", "synth 写出 N-Triples：输出文件请以 .nt 结尾",
                         where=str(output))
    _require_folder_of(output)
    if (output.exists() or output.is_symlink()) and not overwrite:
        raise InputError("the file exists (--overwrite replaces it)", "文件已存在（--overwrite 可替换）", where=str(output))
    triples = synthesize(n, seed, output)
    echo(pick(lang, f"wrote {output}: {n} communities, {triples} triples",
                    f"已写出 {output}：{n} 个社区，{triples} 个三元组"))


@cli.command(help=T(
    "Explain one community's stage and each recommendation: the chain of facts and rules behind them.",
    "解释某一社区的阶段与每条建议：其背后的事实与规则链。",
))
@click.argument("community")
@_FILES
@_DATA_FILES
@_AS_OF
@_REASONER
@_ENGINES
@click.pass_context
def explain(ctx, community, files, paths, as_of, reasoner, engine):
    from .render import explain_text

    lang = _lang(ctx)
    _, result, _ = _assess_part(community, files + paths, lang, as_of, reasoner, engine, whole_graph=True)
    echo(explain_text(result, result.graph, community, lang), nl=False)


def _assess_part(community, inputs, lang, as_of, reasoner, engine, **options):
    """One community's part of the input (a city's, say) assessed on ``engine``, the whole input validated first:
    (the part's data, the :class:`~chuangshu.assess.Assessment`, the community's IRI)."""
    from .assess import parse_as_of
    from .pipeline import assess_files

    data, onto, seeds = _load_part(tuple(inputs), lang, [community])
    result = assess_files(engine=engine, as_of=parse_as_of(as_of) if as_of is not None else None, reasoner=reasoner,
                          lang=lang, loaded=(data, onto), **options)
    return data, result, seeds[0]


@cli.command(help=T(
    "List the stage transitions that a community's dated interventions imply.",
    "列出某一社区有日期的举措所推得的阶段变化。",
))
@click.argument("community")
@_FILES
@_DATA_FILES
@_AS_OF
@_REASONER
@_ENGINES
@click.pass_context
def timeline(ctx, community, files, paths, as_of, reasoner, engine):
    from .assess import dated_interventions
    from .render import timeline_text

    lang = _lang(ctx)
    data, result, seed = _assess_part(community, files + paths, lang, as_of, reasoner, engine, timeline=True)
    c = result.community(str(seed))
    echo(timeline_text(c.community.label, result.timelines[c.community.iri], lang,
                       dated_interventions(data, c.community.iri, lang)), nl=False)


@cli.command(help=T(
    "Run a SPARQL query — a library query by id (cq01…), a .rq file, or - for standard input — on the local "
    "graph with inferences (ontology, data, OWL entailments, assessment) or on a remote endpoint.",
    "运行 SPARQL 查询（查询库编号 cq01…、.rq 文件或 - 表示标准输入），对象为含推理结果的本地图谱"
    "（本体、数据、OWL 蕴涵、评估）或远程端点。",
))
@click.argument("query", required=False)
@_FILES
@click.option("--list", "list_", is_flag=True, help=T("List the query library.", "列出查询库。"))
@_DATA_FILES
@click.option("--param", "params", multiple=True, metavar="NAME=VALUE",
              help=T("Bind a variable: an IRI (<…>, prefix:local, http…), \"text\"@lang, an integer or text; repeatable.",
                     "绑定变量：IRI（<…>、前缀:名、http…）、\"文本\"@语言、整数或文本；可重复。"))
@click.option("--endpoint", default=None, metavar="URL", help=T("Run on a remote SPARQL 1.1 endpoint.", "在远程 SPARQL 1.1 端点上运行。"))
@click.option("--graph", "graphs", multiple=True, metavar="IRI", help=T(
    "With --endpoint: a graph of the query's default graph (default-graph-uri); repeatable.",
    "配合 --endpoint：作为查询默认图的图（default-graph-uri），可重复。"))
@_remote_options
@click.option("--allow-service", is_flag=True, help=T(
    "Let a local query's SERVICE clauses contact other hosts (off by default).",
    "允许本地查询的 SERVICE 子句访问其他主机（默认关闭）。"))
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "tsv", "json"]), default="table",
              help=T("Output format (json: SPARQL 1.1 query results JSON).", "输出格式（json 为 SPARQL 1.1 JSON 结果格式）。"))
@click.option("--labels", type=click.Choice(["beside", "only", "none"]), default="beside", show_default=True,
              help=T("Names in the chosen language beside each IRI (table), instead of it, or none; csv/tsv get a …_label column.",
                     "在每个 IRI 旁显示所选语言的名称（表格）、只显示名称，或不显示；csv/tsv 增加 …_label 列。"))
@_AS_OF
@_REASONER
@_ENGINE
@click.pass_context
def query(ctx, query, files, list_, paths, params, endpoint, graphs, user, password, timeout, max_reply, allow_service, fmt,
          labels, as_of, reasoner, engine):
    from rdflib import Literal

    from .assess import knowledge_graph, parse_as_of
    from .library import (check_params, find_query, library, parse_param, refuse_service, render, resolve_params,
                          run_local, run_remote, term_labels)
    from .rdf import load_ontology

    lang = _lang(ctx)
    if list_ or not query:
        from .render import query_list_text

        echo(query_list_text(library(), lang), nl=False)
        return
    q = find_query(query)
    bindings = dict(parse_param(p) for p in params)
    check_params(q, bindings)
    if "lang" in q.params and "lang" not in bindings:  # a library query's own texts follow --lang
        bindings["lang"] = Literal(lang)
    if endpoint is not None:
        ep = _endpoint(ctx, endpoint, user=user, password=password, timeout=timeout, max_reply=max_reply)
        table = run_remote(q, ep, bindings, default_graphs=list(graphs))
        named = load_ontology()
    else:
        refuse_service(q, allow_service)
        date = parse_as_of(as_of) if as_of is not None else None
        graph = _load_checked(tuple(files) + tuple(paths), lang)
        named = knowledge_graph(graph, as_of=date, reasoner=reasoner, engine=engine)
        bindings = resolve_params(q, bindings, named)
        table = run_local(q, named, bindings, engine, allow_service=allow_service, timeout=timeout)
    terms = {v for r in table.rows for v in r.values()}
    echo(render(table, fmt, term_labels(named, terms, lang) if labels != "none" else None, only_labels=labels == "only"))


def _knowledge_parts(paths, parts, lang, as_of=None, reasoner="auto", engine="oxigraph", public=False, policy=None):
    from .pipeline import knowledge_parts

    return knowledge_parts(paths, parts, lang=lang, as_of=as_of, reasoner=reasoner, engine=engine, public=public,
                           policy=policy)


def _privacy_options(f):
    f = click.option("--policy", type=click.Path(path_type=Path), default=None, metavar="FILE.ru", help=T(
        "With --public: your own policy, a SPARQL Update file run on a copy of the graph before it leaves.",
        "配合 --public：自定义隐私策略，即在图谱发出前对其副本执行的 SPARQL 更新文件。"))(f)
    f = click.option("--public", is_flag=True, help=T(
        "Leave out what identifies people: persons, interviews, quotations and free-text notes "
        "(queries/privacy/public.ru).",
        "去除可识别个人的信息：个人、访谈、引文及自由文本备注（queries/privacy/public.ru）。"))(f)
    return f


_PARTS = click.option("--with", "parts", multiple=True,
                      type=click.Choice(["ontology", "data", "entailments", "assessment", "inferences"]),
                      help=T("What to include (repeatable): ontology, data, entailments (OWL), assessment (rules), "
                             "inferences (both). Defaults: export ontology+data; serve everything; push ontology+data+entailments.",
                             "包含哪些部分（可重复）：本体、数据、蕴涵（OWL）、评估（规则）、推理结果（两者）。"
                             "默认：export 为本体+数据；serve 为全部；push 为本体+数据+蕴涵。"))


@cli.command(help=T(
    "Export the knowledge graph as Turtle, N-Triples, JSON-LD (compacted with the versioned context) or RDF/XML, "
    "with a VoID/DCAT description beside it (FILE.void.ttl). Written atomically.",
    "导出知识图谱为 Turtle、N-Triples、JSON-LD（以版本化上下文压缩）或 RDF/XML，并在旁边写出 VoID/DCAT 描述"
    "（FILE.void.ttl）。原子写入。",
))
@_PATHS
@click.option("-o", "--output", type=click.Path(path_type=Path), required=True, help=T("Output file.", "输出文件。"))
@click.option("--format", "fmt", type=click.Choice(["auto", "turtle", "nt", "jsonld", "xml"]), default="auto",
              help=T("Format (auto: from the file name).", "格式（auto：按文件扩展名）。"))
@_PARTS
@_privacy_options
@click.option("--no-void", is_flag=True, help=T("Do not write the VoID/DCAT description.", "不写 VoID/DCAT 描述。"))
@click.option("--title", default=None, help=T("Title of the dataset (VoID/DCAT).", "数据集题名（VoID/DCAT）。"))
@click.option("--licence", "--license", "licence", default=None, metavar="IRI",
              help=T("Licence of the dataset, as an IRI (VoID/DCAT; none is claimed when not given).",
                     "数据集许可，以 IRI 给出（VoID/DCAT；未给出则不声明许可）。"))
@click.option("--creator", multiple=True, help=T("Creator of the dataset (repeatable).", "数据集创建者（可重复）。"))
@click.option("--source", "sources", multiple=True, metavar="IRI",
              help=T("Source of the dataset, as an IRI (repeatable; default: the sources the data cite).",
                     "数据集来源，以 IRI 给出（可重复；默认：数据所引用的来源）。"))
@_AS_OF
@_REASONER
@click.pass_context
def export(ctx, paths, output, fmt, parts, public, policy, no_void, title, licence, creator, sources, as_of, reasoner):
    from .canon import refuse_overwriting_inputs
    from .export import FORMATS, export as write_export

    lang = _lang(ctx)
    if fmt == "auto":
        by_suffix = {suffix: name for name, (suffix, _) in FORMATS.items()} | {".json": "jsonld", ".xml": "xml", ".owl": "xml"}
        fmt = by_suffix.get(output.suffix.lower())
        if fmt is None:
            raise InputError(f"cannot tell the format from {output.name}; give --format",
                             f"无法从 {output.name} 判断格式，请用 --format 指定", where=str(output))
    _require_folder_of(output)
    refuse_overwriting_inputs([output] + ([] if no_void else [output.with_name(output.name + ".void.ttl")]),
                              list(paths) or resources.data_files())
    parts = list(dict.fromkeys(parts or ("ontology", "data")))
    graph = _knowledge_parts(paths, parts, lang, as_of=as_of, reasoner=reasoner, public=public, policy=policy)
    meta = {"title": title, "licence": licence, "creators": list(creator), "sources": list(sources),
            "bundled": not paths, "public": public or policy is not None}
    written, description = write_export(graph, output, fmt, parts, void=not no_void, meta=meta)
    echo(pick(lang, f"wrote {written} ({len(graph)} triples)", f"已写出 {written}（{len(graph)} 个三元组）"))
    if description:
        echo(pick(lang, f"wrote {description}", f"已写出 {description}"))


@cli.command(help=T(
    "Serve the knowledge graph (ontology, data, inferences) read-only on 127.0.0.1: a SPARQL 1.1 query endpoint at "
    "/query and a query page at /, with the competency questions as RDF in the graph "
    "<https://w3id.org/chuangshu/queries> and at /.well-known/sparql-examples. Updates, Graph Store requests, "
    "SERVICE clauses and requests addressed to any host name but a loopback one are refused. SIGINT, SIGTERM or "
    "SIGHUP stops it.",
    "在 127.0.0.1 上只读发布知识图谱（本体、数据、推理结果）：/query 为 SPARQL 1.1 查询端点，/ 为查询页面；"
    "能力问题以 RDF 形式位于命名图 <https://w3id.org/chuangshu/queries> 与 /.well-known/sparql-examples。"
    "拒绝更新、图存储请求、SERVICE 子句以及发往非回环主机名的请求。SIGINT、SIGTERM 或 SIGHUP 使其停止。",
))
@_PATHS
@click.option("--port", type=click.IntRange(1, 65535), default=7878, show_default=True, help=T("Port.", "端口。"))
@_PARTS
@_privacy_options
@_AS_OF
@_REASONER
@click.pass_context
def serve(ctx, paths, port, parts, public, policy, as_of, reasoner):
    from .server import serve as run_server

    lang = _lang(ctx)
    parts = list(dict.fromkeys(parts or ("ontology", "data", "inferences")))
    graph = _knowledge_parts(paths, parts, lang, as_of=as_of, reasoner=reasoner, public=public, policy=policy)
    ready = lambda url: echo(pick(lang, f"serving {len(graph)} triples read-only at {url} (query page: http://127.0.0.1:{port}/); Ctrl-C stops",  # noqa: E731
                                        f"只读发布 {len(graph)} 个三元组：{url}（查询页面：http://127.0.0.1:{port}/）；Ctrl-C 停止"), err=True)
    ctx.exit(run_server(graph, port, on_ready=ready, lang=lang))


@cli.command(help=T(
    "Load the knowledge graph into a SPARQL 1.1 store: Graph Store Protocol, falling back to SPARQL Update in bounded chunks; "
    "then verify the triple count in the target graph.",
    "将知识图谱载入 SPARQL 1.1 存储：优先图存储协议，否则分块 SPARQL 更新；随后校验目标图的三元组数。",
))
@_PATHS
@click.option("--endpoint", required=True, metavar="URL", help=T("The SPARQL query endpoint.", "SPARQL 查询端点。"))
@click.option("--graph", "graph_iri", default=None, metavar="IRI", help=T(
    "Target named graph (default: https://w3id.org/chuangshu/graph/knowledge).", "目标命名图（默认：https://w3id.org/chuangshu/graph/knowledge）。"))
@click.option("--update", "update_url", default=None, metavar="URL", help=T("SPARQL Update URL (default: derived).", "SPARQL 更新地址（默认推得）。"))
@click.option("--store", "store_url", default=None, metavar="URL", help=T("Graph Store Protocol URL (default: derived).", "图存储协议地址（默认推得）。"))
@_remote_options
@click.option("--chunk", "chunk_size", type=click.IntRange(1, 1_000_000), default=5000, show_default=True,
              help=T("Triples per SPARQL Update request.", "每次 SPARQL 更新的三元组数。"))
@click.option("--no-gsp", is_flag=True, help=T("Use SPARQL Update only.", "只用 SPARQL 更新。"))
@_PARTS
@_privacy_options
@_AS_OF
@_REASONER
@click.pass_context
def push(ctx, paths, endpoint, graph_iri, update_url, store_url, user, password, timeout, max_reply, chunk_size, no_gsp,
         parts, public, policy, as_of, reasoner):
    from .remote import DEFAULT_GRAPH, checked_graph_iri, push as run_push

    lang = _lang(ctx)
    parts = list(dict.fromkeys(parts or ("ontology", "data", "entailments")))
    ep = _endpoint(ctx, endpoint, update=update_url, store=store_url, user=user, password=password,
                   timeout=timeout, max_reply=max_reply)
    checked_graph_iri(graph_iri)
    graph = _knowledge_parts(paths, parts, lang, as_of=as_of, reasoner=reasoner, public=public, policy=policy)
    info = run_push(graph, ep, graph_iri or DEFAULT_GRAPH, chunk_size=chunk_size, prefer_gsp=not no_gsp)
    echo(pick(lang, f"pushed {info['triples']} triples by {info['method']}; verified: {info['verified']} in <{graph_iri or DEFAULT_GRAPH}>",
                    f"已通过{ {'graph store protocol': '图存储协议', 'SPARQL Update': ' SPARQL 更新'}[info['method']] }推送 {info['triples']} 个三元组；校验：<{graph_iri or DEFAULT_GRAPH}> 中有 {info['verified']} 个"))


@cli.command(help=T(
    "Compare communities side by side, as the paper sets D against S: form, type, stage and action, the cycles, "
    "each dimension's interventions, mechanisms and relation scopes, the gaps and the next step. COMMUNITY: an ID, "
    "a label or an IRI (default: every community); an argument that names an existing file is read as case data.",
    "并列比较社区，如论文对照 D 与 S：形态、类型、阶段与行动、循环、各维度的举措、作用机制与关系范围、缺口与下一步。"
    "COMMUNITY：ID、名称或 IRI（默认：全部社区）；指向现有文件的参数作为案例数据读取。",
))
@click.argument("communities", nargs=-1, metavar="[COMMUNITY|FILE]...")
@_DATA_FILES
@_AS_OF
@click.option("--format", "fmt", type=click.Choice(["text", "markdown", "csv", "xlsx"]), default="text",
              help=T("Output format.", "输出格式。"))
@_TABLE_OUTPUT
@_REASONER
@_ENGINES
@_WITH_REFERENCE
@click.pass_context
def compare(ctx, communities, paths, as_of, fmt, output, reasoner, engine, with_reference):
    from .assess import parse_as_of
    from .pipeline import assess_files
    from .render import comparison_text
    from .tables import comparison_table

    lang = _lang(ctx)
    files = _and_reference(tuple(Path(a) for a in communities if Path(a).is_file()) + tuple(paths), with_reference)
    keys = [a for a in communities if not Path(a).is_file()]
    # the named communities' part of the data is all that is assessed (the same conclusions: tested)
    data, onto = _load_part(files, lang, keys)[:2] if keys else _load_validated(files, lang)
    result = assess_files(files, engine=engine, as_of=parse_as_of(as_of) if as_of is not None else None,
                          reasoner=reasoner, lang=lang, loaded=(data, onto))
    table = comparison_table(result, keys, onto + data, lang)
    if fmt != "text":
        _write_tables([table], fmt, output, lang, files)
        return
    if output is not None:
        raise click.UsageError(pick(lang, "-o is for --format markdown, csv or xlsx", "-o 只用于 --format markdown、csv 或 xlsx"))
    echo(comparison_text(table), nl=False)


@cli.command(help=T(
    "Write a QCA data matrix: one row per community (case), conditions = dimension × relation scope "
    "(or × scope group) established, crisp 0/1 or a four-value fuzzy set; outcome = the stage reached. "
    "R's QCA package and fsQCA read it (docs/qca.md).",
    "写出 QCA 数据矩阵：每个社区（案例）一行，条件 = 已建立的维度 × 关系范围（或 × 范围组），清晰集 0/1 或四值模糊集；"
    "结果 = 所达阶段。R 的 QCA 包与 fsQCA 均可读取（见 docs/qca.md）。",
))
@_PATHS
@_AS_OF
@click.option("--fuzzy", is_flag=True, help=T("Calibrate to the four-value fuzzy set 0 / 0.33 / 0.67 / 1 instead of 0/1.",
                                             "校准为四值模糊集 0 / 0.33 / 0.67 / 1，而非 0/1。"))
@click.option("--conditions", "by", type=click.Choice(["scope", "group"]), default="scope", show_default=True,
              help=T("One condition per dimension × relation scope (24), or × scope group, core or extended (6).",
                     "每个维度 × 关系范围一个条件（24 个），或每个维度 × 范围组（内核或外延，6 个）。"))
@click.option("--codebook", is_flag=True, help=T("Write what each column means instead of the matrix.",
                                                "写出各列含义（代码本），而非矩阵。"))
@click.option("--format", "fmt", type=click.Choice(["csv", "xlsx", "markdown"]), default="csv", show_default=True,
              help=T("Output format.", "输出格式。"))
@_TABLE_OUTPUT
@_REASONER
@_ENGINES
@_NO_VALIDATE
@_WITH_REFERENCE
@click.pass_context
def qca(ctx, paths, as_of, fuzzy, by, codebook, fmt, output, reasoner, engine, no_validate, with_reference):
    from .assess import parse_as_of
    from .rdf import load_ontology
    from .pipeline import assess_files
    from .tables import qca_codebook, qca_table

    lang = _lang(ctx)
    if codebook:
        _write_tables([qca_codebook(load_ontology(), lang, by)], fmt, output, lang, paths)
        return
    check = (lambda r: _stop_if_nonconforming(r, lang)) if not no_validate else None
    paths = _and_reference(paths, with_reference)
    result = assess_files(paths, engine=engine, as_of=parse_as_of(as_of) if as_of is not None else None, reasoner=reasoner,
                          lang=lang, check=check)
    _write_tables([qca_table(result, load_ontology(), lang, by=by, fuzzy=fuzzy)], fmt, output, lang, paths)


@cli.command(help=T(
    "Write a static HTML report into a new folder DIR (works offline, from a USB stick: no CDN, no server): per "
    "community the stage model with its position marked, the dimension × relation-scope heat map, the timeline of "
    "dated interventions, the ranked recommendations with reasons, reference cases and quotations, the validation "
    "findings about its data; and an index comparing all communities side by side. Both languages; --lang picks "
    "the one the folder opens in. Print from the browser for a PDF.",
    "将静态 HTML 报告写入新目录 DIR（可离线、可从 U 盘打开：不用 CDN，不需服务器）：每个社区一页，含标出所处位置的阶段模型、"
    "维度 × 关系范围热力图、有日期举措的时间线、附理由、参照案例与访谈引文的排序建议、关于其数据的校验结果；"
    "另有并列比较全部社区的索引页。中英双语；--lang 决定打开时的语言。可在浏览器中打印为 PDF。",
))
@_PATHS
@click.option("-o", "--output", "out_dir", type=click.Path(path_type=Path), default=Path("dist/report"), show_default=True)
@click.option("--overwrite", is_flag=True, help=T("Replace DIR if it exists (only once the new report is complete).",
                                                  "若 DIR 已存在则替换（仅在新报告完整写出之后）。"))
@_AS_OF
@_REASONER
@_ENGINES
@_NO_VALIDATE
@click.option("--community", "chosen", multiple=True, metavar="COMMUNITY", help=T(
    "Report on this community only (an ID, a label or an IRI; repeatable), reasoned over its part of the data.",
    "只为该社区生成报告（ID、名称或 IRI；可重复），仅对其所涉数据推理。"))
@_WITH_REFERENCE
@click.pass_context
def report(ctx, paths, out_dir, overwrite, as_of, reasoner, engine, no_validate, chosen, with_reference):
    from .assess import parse_as_of
    from .canon import new_folder
    from .report import build_report, report_input

    lang = _lang(ctx)
    files = list(_and_reference(paths, with_reference)) or resources.data_files()
    inp = report_input(files, as_of=parse_as_of(as_of) if as_of is not None else None, reasoner=reasoner, engine=engine,
                       validate=not no_validate, progress=sys.stderr.isatty(),
                       on_report=lambda r: _stop_if_nonconforming(r, lang), only=chosen)
    with new_folder(out_dir, overwrite=overwrite) as work:
        build_report(work, inp, default_lang=lang)
    n = len(inp.assessments[lang].communities)
    echo(pick(lang, f"wrote the report on {n} {'community' if n == 1 else 'communities'} to {out_dir} "
                    f"(open {out_dir / 'index.html'})",
                    f"已将 {n} 个社区的报告写入 {out_dir}（打开 {out_dir / 'index.html'}）"))


@cli.command("check-ontology", help=T(
    "Check the ontology as before a release: the quality report (queries/report/, exceptions in "
    "ontology/report-exceptions.tsv), the OWL 2 DL profile on its own (OWLAPI; needs a Java development kit) and "
    "HermiT (consistent, no unsatisfiable class; needs Java). Default: the bundled ontology; or an ontology file "
    "(such as a release artefact). Exit 1 on any ERROR, profile violation or unsatisfiable class.",
    "发布前检查本体：质量报告（queries/report/，例外见 ontology/report-exceptions.tsv）、单独成立的 OWL 2 DL "
    "语言剖面（OWLAPI；需要 Java 开发工具包）与 HermiT（一致、无不可满足类；需要 Java）。默认检查内置本体；"
    "也可指定本体文件（如发布件）。有 ERROR、剖面违例或不可满足类时退出码为 1。",
))
@click.argument("ontology_file", required=False, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--skip", "skipped", multiple=True, type=click.Choice(["report", "profile", "hermit"]), help=T(
    "Leave out a check (repeatable).", "跳过某项检查（可重复）。"))
@click.option("--format", "fmt", type=click.Choice(["text", "tsv"]), default="text", show_default=True, help=T(
    "Report as text lines or as ROBOT-style TSV (level, rule, subject, property, value).",
    "以文本行或 ROBOT 式 TSV（级别、规则、主体、属性、值）输出报告。"))
@click.pass_context
def check_ontology(ctx: click.Context, ontology_file: Path | None, skipped: tuple[str, ...], fmt: str) -> None:
    from .rdf import load_ontology, parse_file

    lang = _lang(ctx)
    graph = parse_file(ontology_file) if ontology_file else load_ontology()
    failed = False
    if "report" not in skipped:
        from .ontology_report import run_report

        findings = run_report(graph)
        if fmt == "tsv":
            echo("\t".join(["Level", "Rule Name", "Subject", "Property", "Value"]))
        for f in findings:
            echo("\t".join(f.row()) if fmt == "tsv" else f"{f.level} {f.rule}: {f.entity} {f.property} {f.value}".rstrip())
        errors = sum(f.level == "ERROR" for f in findings)
        failed |= errors > 0
        echo(pick(lang, f"report: {errors} error(s), {len(findings) - errors} other finding(s)",
                        f"报告：{errors} 个错误，{len(findings) - errors} 个其他发现"), err=fmt == "tsv")
    if "profile" not in skipped:
        from .dlprofile import check_dl_profile

        profile = check_dl_profile(graph)
        for v in profile.violations:
            echo(v, err=True)
        failed |= not profile.ok
        echo(pick(lang, f"OWL 2 DL profile: {len(profile.violations)} violation(s)",
                        f"OWL 2 DL 语言剖面：{len(profile.violations)} 处违例"), err=fmt == "tsv")
    if "hermit" not in skipped:
        from .reason import check_consistency

        report = check_consistency(graph)
        if not report.consistent:
            echo(pick(lang, "HermiT: the ontology is inconsistent", "HermiT：本体不一致"), err=True)
            failed = True
        for iri in report.unsatisfiable:
            echo(pick(lang, f"HermiT: unsatisfiable class: {iri}", f"HermiT：不可满足的类：{iri}"), err=True)
            failed = True
        if report.ok:
            echo(pick(lang, "HermiT: consistent, no unsatisfiable class", "HermiT：一致，无不可满足类"),
                 err=fmt == "tsv")
    if failed:
        ctx.exit(1)


@cli.command(help=T(
    "Build the release artefacts of the ontology's current version (owl:versionInfo) into DIR/VERSION: the "
    "ontology full and base in Turtle, RDF/XML and JSON-LD, the shapes, the JSON-LD context, the query library "
    "as RDF, the case data, the changelog entry, CITATION.cff, a VoID/DCAT description with checksums, and the "
    "documentation site (docs/). Refused without a CHANGELOG.md entry for the version, or when the ontology "
    "fails its quality report. Needs Java (HermiT classifies the full release).",
    "将本体当前版本（owl:versionInfo）的发布件生成到 DIR/VERSION：本体完整版与基础版（Turtle、RDF/XML、"
    "JSON-LD）、约束、JSON-LD 上下文、RDF 形式的查询库、案例数据、变更条目、CITATION.cff、含校验和的 "
    "VoID/DCAT 描述与文档站点（docs/）。CHANGELOG.md 无该版本条目或本体未通过质量报告时拒绝生成。需要 Java"
    "（由 HermiT 对完整版分类）。",
))
@click.option("-o", "--output", "out_dir", type=click.Path(path_type=Path), default=Path("dist/release"),
              show_default=True, help=T("The folder that receives VERSION/.", "存放 VERSION/ 的目录。"))
@click.option("--overwrite", is_flag=True, help=T("Replace an existing DIR/VERSION (whole, never half).",
                                                  "替换已有的 DIR/VERSION（整体替换，不会只写一半）。"))
@click.option("--no-docs", is_flag=True, help=T("Leave out the documentation site.", "不生成文档站点。"))
@click.option("--update", "update", is_flag=True, help=T(
    "Only (re)write the repository's generated files for the version, then stop: the JSON-LD context "
    "ontology/context/chuangshu-VERSION.jsonld and the w3id redirect rules w3id/.htaccess.",
    "仅（重新）生成仓库中随版本生成的文件，然后结束：JSON-LD 上下文 ontology/context/chuangshu-VERSION.jsonld "
    "与 w3id 重定向规则 w3id/.htaccess。"))
@click.pass_context
def release(ctx, out_dir, overwrite, no_docs, update):
    from .publish import build_release, update_generated

    lang = _lang(ctx)
    if update:
        for path in update_generated():
            echo(pick(lang, f"wrote {path}", f"已写入 {path}"))
        return
    folder = build_release(out_dir, docs=not no_docs, overwrite=overwrite)
    files = sorted(p for p in folder.rglob("*") if p.is_file())
    echo(pick(lang, f"release {folder.name}: {len(files)} files in {folder}", f"发布 {folder.name}：{folder} 中共 {len(files)} 个文件"))


@cli.command(help=T(
    "Write the documentation site (bilingual, offline) into a new folder DIR: the ontology reference, one page "
    "per shape, one per competency question with its result on the bundled data, the rules, the stage-model "
    "diagram. `chuangshu release` builds the same site inside the release.",
    "将文档站点（双语、可离线）写入新目录 DIR：本体术语参考、每个约束一页、每个能力问题一页（附其在内置数据上的结果）、"
    "规则与阶段模型图。`chuangshu release` 亦在发布件中生成同一站点。",
))
@click.option("-o", "--output", "out_dir", type=click.Path(path_type=Path), default=Path("dist/docs"), show_default=True)
@click.option("--as-of", default=None, metavar="YYYY-MM-DD", help=T(
    "The date the query results are computed at (default: the release date in CHANGELOG.md).",
    "计算查询结果所依据的日期（默认：CHANGELOG.md 中的发布日期）。"))
@click.pass_context
def docs(ctx, out_dir, as_of):
    from .canon import new_folder
    from .docs import build_site

    lang = _lang(ctx)
    with new_folder(out_dir) as work:
        build_site(work, as_of=as_of)
    echo(pick(lang, f"wrote the site to {out_dir} (open {out_dir / 'index.html'})",
                    f"站点已写入 {out_dir}（打开 {out_dir / 'index.html'}）"))


@cli.command(help=T(
    "Check, or rewrite, Turtle files in the canonical serialization (default: every .ttl in the repository's ontology, shapes, data and queries, except the deliberately invalid examples).",
    "检查或改写 Turtle 文件为规范序列化（默认：本体、约束、数据与查询目录下全部 .ttl，故意无效的示例除外）。",
))
@_PATHS
@click.option("--check", is_flag=True, help=T(
    "Only report files that are not canonical; exit 1 if any.",
    "只报告非规范文件；若有则退出码为 1。"))
@click.option("--force", is_flag=True, help=T(
    "Rewrite files that hold comments too (the canonical form keeps none: they are lost).",
    "含注释的文件也改写（规范序列化不保留注释：注释将丢失）。"))
@click.pass_context
def fmt(ctx: click.Context, paths: tuple[Path, ...], check: bool, force: bool) -> None:
    from .canon import canonicalize_file, comment_lines, is_canonical
    from .rdf import require_file

    lang = _lang(ctx)
    invalid = resources.resource_dir("data") / "examples" / "invalid"
    files = [Path(p) for p in paths] or [
        p for d in ("ontology", "shapes", "data", "queries")
        for p in sorted(resources.resource_dir(d).rglob("*.ttl"))
        if invalid not in p.parents  # deliberately broken inputs, checked by the tests
    ]
    comments = {}
    for f in files:  # every file looked at before any is rewritten
        require_file(f)
        if f.suffix.lower() != ".ttl":
            raise InputError("fmt checks and rewrites Turtle files (.ttl) only", "fmt 只检查、改写 Turtle 文件（.ttl）", where=str(f))
        try:
            comments[f] = comment_lines(f.read_text(encoding="utf-8"))
        except UnicodeDecodeError as err:
            raise InputError(f"not UTF-8 text (byte {err.start})", f"不是 UTF-8 文本（第 {err.start} 字节）", where=str(f)) from None
        if comments[f] and not check and not force:
            n, first = len(comments[f]), comments[f][0]
            raise InputError(f"{n} comment(s) would be lost: the canonical form keeps none (first on line {first}); "
                             "move them into rdfs:comment or skos:note, or rewrite with --force",
                             f"{n} 处注释将丢失：规范序列化不保留注释（首处在第 {first} 行）；"
                             "请改为 rdfs:comment 或 skos:note，或加 --force 改写", where=f"{f}:{first}")
    bad = []
    for f in files:
        if check:
            if not is_canonical(f):
                bad.append(f)
                note = pick(lang, f" ({len(comments[f])} comment(s), which it keeps none of)",
                            f"（含 {len(comments[f])} 处注释，规范序列化不保留）") if comments[f] else ""
                echo(pick(lang, f"{f}: not canonical{note}", f"{f}：非规范序列化{note}"), err=True)
        elif canonicalize_file(f):
            echo(pick(lang, f"{f}: rewritten", f"{f}：已改写"))
    if bad:
        ctx.exit(1)


_STOPPED_BY: list[int] = []  # the signal (SIGINT, SIGTERM, SIGHUP) that stopped the command, if one did
_PHASE = ["before"]  # the command: not begun (the options being read), running, or ended (see _stop)


def _stop(signum, frame):
    """SIGTERM and SIGHUP stop a command as Ctrl-C (SIGINT) does: what it was writing is not left half
    written, its temporary folders go (exit code 128 + the signal's number). Before the command has
    begun there is nothing to undo; after it has ended (its output whole), the signal ends the process
    as it ends any program. (Click took a stop in either for an abort: "Aborted!", exit code 1.)"""
    if _PHASE[0] == "before":
        echo(pick(_argv_lang(), "interrupted", "已中断"), err=True)
        raise SystemExit(128 + signum)
    if _PHASE[0] == "after":
        import signal

        signal.signal(signum, signal.SIG_DFL)
        os.kill(os.getpid(), signum)
        return
    if not _STOPPED_BY:
        _watchdog(128 + signum)
    _STOPPED_BY.append(signum)
    raise KeyboardInterrupt


STOP_GRACE = 10.0  # seconds a stopped command has to clean up before it is ended regardless


def _watchdog(code: int) -> None:
    """End the process ``STOP_GRACE`` seconds after a stop, whatever its cleanup is doing: DuckDB can
    stay waiting forever for the tasks of a query a stop interrupted (seen: Executor::CancelTasks in
    DuckDB 2.0). The run's folders are removed first (the connections are left: one may be the stuck
    one); the command's own cleanup, which normally ends the process sooner, runs meanwhile."""
    import threading
    import time

    def run():
        time.sleep(STOP_GRACE)
        columnar = sys.modules.get("chuangshu.engines.columnar")
        if columnar is not None:
            columnar.remove_folders()
        try:
            sys.stderr.write(pick(_argv_lang(), "interrupted", "已中断") + "\n")
            sys.stderr.flush()
        except (OSError, ValueError):
            pass
        os._exit(code)

    threading.Thread(target=run, name="chuangshu-stop", daemon=True).start()


def _interrupted(ctx, lang: str):
    """A stopped command: its own cleanup has run (outputs unwritten, temporary folders gone, as the
    stop unwound the command); the process ends now with 128 + the signal, without the interpreter's
    finalization — where objects a stop left half-used (a DuckDB connection, its threads) had crashed
    the process (signal 11) or kept it waiting at exit."""
    echo(pick(lang, "interrupted", "已中断"), err=True)
    code = 128 + _STOPPED_BY[-1] if _STOPPED_BY else 130
    columnar = sys.modules.get("chuangshu.engines.columnar")
    if columnar is not None:
        columnar.remove_left()  # any run's folder a stop kept from going
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass
    os._exit(code)


def main() -> None:
    # a terminal that cannot show Chinese or arrows (latin-1, cp1252) gets escapes, not a crash
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.reconfigure(errors="backslashreplace")
        except (AttributeError, ValueError):
            pass
    import signal

    for sig in (signal.SIGINT, signal.SIGTERM, getattr(signal, "SIGHUP", None)):
        if sig is not None:
            signal.signal(sig, _stop)
    cli(prog_name="chuangshu")


if __name__ == "__main__":  # pragma: no cover
    main()
