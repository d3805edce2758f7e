"""Full-text search over 1,000,000 synthetic Chinese documents (issue 5, point 6).

``.venv/bin/python bench/bench_search.py [--docs 1000000] [--queries 300]``

1. Generates deterministic ~300-character government documents (topics, townships,
   departments, actions) and indexes them with the app's own indexing path
   (``TantivyBackend.replace`` -> ``to_tantivy_document``: rjieba segmentation included)
   into a temporary directory; reports documents/s and the index size.
2. Times 1-term, 2-term and phrase queries (20 results) through the search service
   (``zhengwu.search.selectors.search``: parsing, query building, search, stored fields,
   highlighted snippets) and through raw tantivy on the same index (the same query tree
   built directly, search + fetching the 20 stored documents), p50/p95 in ms.
3. In the same run, builds a *plain* tantivy index of the same documents as the
   reference (rjieba words, one title and one body field with positions, both stored,
   default settings, one indexing thread) and times the same queries on it.
4. Prints a table and writes ``bench/results/search-<date>.json``.

The service runs with the seeded synonym dictionary (its own migrated SQLite database
under var/bench-search/). Indexing speed excludes generating the synthetic documents
(timed separately and reported). Goals (issue 16): service p95 <= 10 ms for 1-2 terms,
index <= 3x the raw text, build >= 10,000 documents/s.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

TOWNSHIPS = ["城关镇", "青山镇", "白水镇", "桃花乡", "石桥镇", "柳林乡", "龙泉镇", "清河乡", "马坪镇", "双河镇",
             "新华街道", "东关街道", "金山乡", "红岩镇", "云台乡", "凤凰镇", "高桥镇", "梅林乡", "安乐镇", "长岭乡"]
VILLAGES = ["张家村", "李家湾村", "大坪村", "小河村", "松林村", "黄土岭村", "杨柳村", "新民村", "联合村", "胜利村",
            "和平村", "五里村", "三合村", "太平村", "光明村", "前进村", "团结村", "红星村", "建设村", "幸福村"]
DEPARTMENTS = [("RSJ", "县人力资源和社会保障局"), ("MZJ", "县民政局"), ("JYJ", "县教育局"), ("WJW", "县卫生健康局"),
               ("ZRZY", "县自然资源局"), ("ZJJ", "县住房和城乡建设局"), ("NYJ", "县农业农村局"),
               ("SCJ", "县市场监督管理局"), ("GAJ", "县公安局"), ("CZJ", "县财政局"), ("SWJ", "县税务局"),
               ("STJ", "县生态环境局"), ("JTJ", "县交通运输局"), ("SLJ", "县水利局"), ("YBJ", "县医疗保障局")]
TOPICS = ["城乡居民基本养老保险", "社会保障卡", "医疗保险", "最低生活保障", "特困人员救助供养", "不动产登记",
          "营业执照", "食品经营许可", "户籍管理", "居民身份证", "义务教育招生", "学生资助", "乡村振兴",
          "高标准农田建设", "农村危房改造", "保障性住房", "公共租赁住房", "耕地保护", "生态环境保护",
          "河长制", "农村公路养护", "安全生产", "疫苗接种", "家庭医生签约", "残疾人补贴", "高龄津贴",
          "就业创业补贴", "农民工工资支付", "退役军人优待", "防汛抗旱", "森林防火", "财政预算", "政府采购",
          "税收优惠", "增值税发票", "企业开办", "工程建设项目审批", "城乡规划", "人居环境整治", "垃圾分类"]
ACTIONS = ["工作方案", "实施细则", "管理办法", "通知", "公告", "公示", "情况报告", "政策解读", "办事指南",
           "补贴发放名单", "年度计划", "检查结果", "专项行动", "意见征集", "验收结果"]
SENTENCES = [
    "为进一步做好{topic}工作，根据上级有关文件精神，结合我县实际，制定本{action}。",
    "{dept}将于{month}月在{town}开展{topic}专项检查，重点核查{village}等村（社区）的落实情况。",
    "符合条件的群众可携带居民身份证、户口簿等材料到{town}便民服务中心或县政务服务中心窗口办理。",
    "截至{month}月底，全县{topic}累计惠及群众{num}人，发放资金{money}万元，群众满意度进一步提高。",
    "各乡镇（街道）要高度重视{topic}，明确责任分工，加强督促检查，确保各项措施落到实处。",
    "对{village}反映的{topic}问题，{dept}已会同{town}人民政府进行核实处理，并及时向群众反馈。",
    "申请人可通过政务服务网、手机客户端或者拨打12345热线咨询{topic}相关政策和办理流程。",
    "本{action}自发布之日起施行，由{dept}负责解释，执行中遇到的问题请及时向{dept}反映。",
    "{town}坚持问题导向，围绕{topic}和{topic2}两项重点任务，推动工作提质增效。",
    "公示期间，如有异议，可以书面形式向{dept}或{town}人民政府反映，联系电话见附件。",
]


def make_document(i: int, rng: random.Random):
    from zhengwu.core.registries.search import SearchDocument

    topic, topic2 = rng.choice(TOPICS), rng.choice(TOPICS)
    town, village = rng.choice(TOWNSHIPS), rng.choice(VILLAGES)
    code, dept = rng.choice(DEPARTMENTS)
    action = rng.choice(ACTIONS)
    fill = {"topic": topic, "topic2": topic2, "town": town, "village": village, "dept": dept, "action": action,
            "month": rng.randint(1, 12), "num": rng.randint(100, 50000), "money": rng.randint(5, 3000)}
    body, first = [], True
    while sum(len(s) for s in body) < 280:
        template = SENTENCES[0] if first else rng.choice(SENTENCES)
        first = False
        body.append(template.format(**fill))
    published = dt.datetime(2018, 1, 1, 9, tzinfo=dt.timezone(dt.timedelta(hours=8))) + dt.timedelta(
        minutes=rng.randint(0, 8 * 365 * 24 * 60))
    return SearchDocument(
        doc_type="disclosure", doc_id=str(i), title=f"{dept}关于{town}{topic}{action}",
        body="".join(body), url=f"/disclosure/{i}/", published_at=published,
        department_code=code, department_name=dept,
    )


def generate(n: int, seed: int = 6):
    rng = random.Random(seed)
    for i in range(n):
        yield make_document(i, rng)


class Timed:
    """Wraps the document generator and adds up the time spent generating."""

    def __init__(self, docs):
        self.docs, self.seconds, self.cpu_seconds, self.raw_bytes = iter(docs), 0.0, 0.0, 0

    def __iter__(self):
        while True:
            t0, c0 = time.perf_counter(), time.thread_time()
            try:
                doc = next(self.docs)
            except StopIteration:
                return
            self.seconds += time.perf_counter() - t0
            self.cpu_seconds += time.thread_time() - c0
            self.raw_bytes += len(doc.title.encode()) + len(doc.body.encode())
            yield doc


def plain_index(path: Path, n: int):
    """The reference: plain tantivy, rjieba words, title and body stored with positions."""
    import rjieba
    import tantivy

    sb = tantivy.SchemaBuilder()
    sb.add_text_field("title", stored=True, tokenizer_name="ws")
    sb.add_text_field("body", stored=True, tokenizer_name="ws")
    schema = sb.build()
    path.mkdir(parents=True, exist_ok=True)
    index = tantivy.Index(schema, path=str(path))
    index.register_tokenizer("ws", tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.whitespace())
                             .filter(tantivy.Filter.lowercase()).build())
    docs = Timed(generate(n))
    started, cpu_started = time.perf_counter(), time.process_time()
    writer = index.writer(256_000_000, 1)
    for doc in docs:
        writer.add_document(tantivy.Document(title=" ".join(rjieba.cut(doc.title, False)),
                                             body=" ".join(rjieba.cut(doc.body, False))))
    writer.commit()
    writer.wait_merging_threads()
    seconds = time.perf_counter() - started - docs.seconds
    cpu_seconds = time.process_time() - cpu_started - docs.cpu_seconds
    index.reload()
    return index, schema, seconds, cpu_seconds


def dir_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def query_sets(rng: random.Random, n: int) -> dict[str, list[str]]:
    one = [rng.choice(TOPICS + TOWNSHIPS + VILLAGES + ["补贴", "检查", "公示", "资金", "群众"]) for _ in range(n)]
    two = [f"{rng.choice(TOWNSHIPS)} {rng.choice(TOPICS)}" for _ in range(n)]
    phrase = [f'"{rng.choice(TOWNSHIPS)}便民服务中心"' if i % 2 else f'"{rng.choice(TOPICS)}专项检查"'
              for i in range(n)]
    return {"1-term": one, "2-term": two, "phrase": phrase}


def plain_query_for(tantivy, schema, parsed):
    q = tantivy.Query
    parts = []
    for clause in parsed.clauses:
        words = clause[0]
        for word in words:
            parts.append((tantivy.Occur.Must, q.boolean_query([
                (tantivy.Occur.Should, q.term_query(schema, "title", word)),
                (tantivy.Occur.Should, q.term_query(schema, "body", word)),
            ])))
    for phrase in parsed.phrases:
        parts.append((tantivy.Occur.Must, q.boolean_query([
            (tantivy.Occur.Should, q.phrase_query(schema, "title", phrase)),
            (tantivy.Occur.Should, q.phrase_query(schema, "body", phrase)),
        ])))
    return q.boolean_query(parts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--keep", action="store_true", help="keep the temporary index")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="zhengwu-bench-search-"))
    os.environ["ZHENGWU_SEARCH_DIR"] = str(workdir)
    os.environ["ZHENGWU_SEARCH_BACKEND"] = "tantivy"
    os.environ.setdefault("ZHENGWU_VAR_DIR", str(ROOT / "var" / "bench-search"))
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhengwu.settings")
    import django

    Path(os.environ["ZHENGWU_VAR_DIR"]).mkdir(parents=True, exist_ok=True)
    django.setup()
    import tantivy
    from django.core.management import call_command

    from zhengwu.search import selectors, synonyms
    from zhengwu.search.backends import search_backend
    from zhengwu.search.text import query_parse

    call_command("migrate", verbosity=0)  # the seeded synonym dictionary
    print(f"同义词词条:{len(synonyms.dictionary().groups)}", flush=True)
    load_before = os.getloadavg()
    backend = search_backend()
    print(f"索引 {args.docs:,} 篇合成文档 -> {backend.path}", flush=True)
    started = time.perf_counter()
    cpu_started = time.process_time()
    docs = Timed(generate(args.docs))

    def progress(n):
        if n % 100_000 == 0:
            now = time.perf_counter()
            print(f"  {n:>9,} 篇  {n / (now - started - docs.seconds):,.0f} 篇/秒", flush=True)

    indexed = backend.replace(None, docs, progress=progress)
    index_seconds = time.perf_counter() - started - docs.seconds
    index_cpu = time.process_time() - cpu_started - docs.cpu_seconds
    size = dir_size(backend.path)
    raw_bytes = docs.raw_bytes
    print(f"建索引 CPU {index_cpu:.1f} 秒(含 tantivy 线程),{indexed / index_cpu:,.0f} 篇/CPU 秒", flush=True)
    print(f"完成:{indexed:,} 篇,{index_seconds:.1f} 秒(另有生成文档 {docs.seconds:.1f} 秒),"
          f"{indexed / index_seconds:,.0f} 篇/秒,索引 {size / 2**20:,.0f} MiB"
          f"(原文 {raw_bytes / 2**20:,.0f} MiB,{size / raw_bytes:.2f} 倍)", flush=True)

    plain_dir = workdir / "plain"
    plain, plain_schema, plain_seconds, plain_cpu = plain_index(plain_dir, args.docs)
    plain_size = dir_size(plain_dir)
    print(f"参照(原生 tantivy):{args.docs / plain_seconds:,.0f} 篇/秒,{args.docs / plain_cpu:,.0f} 篇/CPU 秒,"
          f"索引 {plain_size / 2**20:,.0f} MiB", flush=True)

    index = backend.index()
    rng = random.Random(60)
    sets = query_sets(rng, args.queries)
    rows = {}
    for name, queries in sets.items():
        for q in queries[:20]:  # warm-up (page cache, term dictionaries)
            selectors.search(q)
        svc, svc_cpu, raw, raw_fetch, counts, plain_ms = [], [], [], [], [], []
        plain_searcher = plain.searcher()
        for q in queries:
            t0, c0 = time.perf_counter(), time.thread_time()
            result = selectors.search(q, page_size=20)
            svc.append((time.perf_counter() - t0) * 1000)
            # CPU time of this thread: what the query costs, without the waits for a
            # core that a loaded machine adds to the wall time.
            svc_cpu.append((time.thread_time() - c0) * 1000)
            counts.append(result["count"])
            # Raw tantivy: the same query tree (parsing done outside the timing).
            parsed = synonyms.expand(query_parse(q))
            query = backend.build_query(parsed, selectors.search_filters())
            t0 = time.perf_counter()
            searcher = index.searcher()
            hits = searcher.search(query, 20, count=True).hits if query is not None else []
            raw.append((time.perf_counter() - t0) * 1000)
            for _score, address in hits:
                searcher.doc(address)
            raw_fetch.append((time.perf_counter() - t0) * 1000)
            # The plain reference index: the words in title or body, all required,
            # counted, 20 stored documents fetched.
            plain_query = plain_query_for(tantivy, plain_schema, parsed)
            t0 = time.perf_counter()
            plain_hits = plain_searcher.search(plain_query, 20, count=True).hits
            for _score, address in plain_hits:
                plain_searcher.doc(address)
            plain_ms.append((time.perf_counter() - t0) * 1000)
        rows[name] = {
            "queries": len(queries),
            "median_hits": statistics.median(counts),
            "service_p50_ms": round(pct(svc, .5), 3), "service_p95_ms": round(pct(svc, .95), 3),
            "service_cpu_p50_ms": round(pct(svc_cpu, .5), 3), "service_cpu_p95_ms": round(pct(svc_cpu, .95), 3),
            "raw_p50_ms": round(pct(raw, .5), 3), "raw_p95_ms": round(pct(raw, .95), 3),
            "raw_fetch_p50_ms": round(pct(raw_fetch, .5), 3), "raw_fetch_p95_ms": round(pct(raw_fetch, .95), 3),
            "plain_p50_ms": round(pct(plain_ms, .5), 3), "plain_p95_ms": round(pct(plain_ms, .95), 3),
        }
        rows[name]["ratio_p95_vs_raw_fetch"] = round(rows[name]["service_p95_ms"] / rows[name]["raw_fetch_p95_ms"], 2)
    del tantivy

    print()
    print(f"{'查询':<8}{'命中中位数':>10}{'服务p50':>10}{'服务p95':>10}{'原生p50':>10}{'原生p95':>10}"
          f"{'原生+取文p95':>14}{'倍数':>7}{'参照p95':>10}{'服务CPU p95':>12}")
    for name, r in rows.items():
        print(f"{name:<8}{r['median_hits']:>12,.0f}{r['service_p50_ms']:>11.2f}{r['service_p95_ms']:>11.2f}"
              f"{r['raw_p50_ms']:>11.2f}{r['raw_p95_ms']:>11.2f}{r['raw_fetch_p95_ms']:>14.2f}"
              f"{r['ratio_p95_vs_raw_fetch']:>9.2f}{r['plain_p95_ms']:>11.2f}{r['service_cpu_p95_ms']:>12.2f}")
    load_after = os.getloadavg()
    print(f"负载(uptime 1 分钟平均):开始 {load_before[0]:.2f},结束 {load_after[0]:.2f};CPU {os.cpu_count()} 个")
    result = {
        "bench": "search", "date": dt.date.today().isoformat(), "docs": indexed,
        "index_seconds": round(index_seconds, 1), "index_cpu_seconds": round(index_cpu, 1),
        "generate_seconds": round(docs.seconds, 1), "docs_per_second": round(indexed / index_seconds),
        "index_bytes": size, "index_mib": round(size / 2**20, 1), "raw_text_bytes": raw_bytes,
        "index_vs_raw_text": round(size / raw_bytes, 2),
        "docs_per_cpu_second": round(indexed / index_cpu),
        "plain_tantivy": {"docs_per_second": round(args.docs / plain_seconds),
                          "docs_per_cpu_second": round(args.docs / plain_cpu), "index_mib": round(plain_size / 2**20, 1)},
        "synonym_groups": len(synonyms.dictionary().groups),
        "cpus": os.cpu_count(), "loadavg_before": [round(x, 2) for x in load_before],
        "loadavg_after": [round(x, 2) for x in load_after],
        "queries": rows,
        "goal": "service p95 <= 10 ms for 1-2 terms with synonyms; index <= 3x raw text; build >= 10,000 docs/s",
    }
    out = ROOT / "bench" / "results" / f"search-{dt.date.today():%Y%m%d}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, ensure_ascii=False, indent=2))
    print(f"\n结果已写入 {out}")
    if not args.keep:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
