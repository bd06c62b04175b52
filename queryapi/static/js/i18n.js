// UI strings in Chinese and English; data labels (titles, department names, goal text) stay as they are.

const STRINGS = {
  zh: {
    "nav.plans": "规划", "nav.departments": "部门", "nav.indicators": "指标", "nav.sparql": "SPARQL 查询",
    "search.placeholder": "搜索目标、措施、重点工程", "search.button": "搜索",
    "footer.data": "数据：四个县区级妇女发展规划及其上级规划",
    "lang.other": "English",
    "loading": "加载中…", "notFound": "页面 {path} 不存在", "error": "出错了", "none": "无", "more": "更多",
    "plans.title": "规划", "plans.region": "地区", "plans.level": "层级", "plans.period": "期限",
    "plans.areas": "领域", "plans.goals": "目标", "plans.measures": "策略措施", "plans.keyProjects": "重点工程",
    "plans.basedOn": "依据", "plans.upstream": "上级规划", "plans.supersedes": "接续", "plans.identifier": "文号", "plans.issued": "印发日期",
    "plans.gaps": "与上级规划的差距", "plans.gapNational": "上级规划有、本规划没有的目标", "plans.gapLocal": "本规划有、上级规划没有的目标",
    "area.type": "领域类型", "area.goals": "主要目标", "area.measures": "策略措施",
    "item.goal": "目标", "item.measure": "策略措施", "item.number": "编号", "item.text": "全文",
    "item.owners": "责任部门", "item.targets": "量化指标", "item.alignments": "对应目标",
    "item.source": "原文", "item.sourceFile": "来源文件", "item.line": "行", "item.supports": "服务的目标",
    "status.Recalled": "凭记忆录入：措辞、编号和数字未经原文核实", "status.Confirmed": "措辞已由原文确认", "item.trace": "向上追溯", "item.noTrace": "没有对应的上级目标",
    "owner.department": "部门", "owner.role": "角色", "owner.basis": "依据", "owner.confidence": "置信度",
    "owner.evidence": "证据",
    "role.Lead": "牵头", "role.Support": "配合", "basis.Stated": "原文明确", "basis.Inferred": "推断",
    "target.indicator": "指标", "target.value": "目标值", "target.comparator": "比较", "target.year": "年份",
    "target.upstream": "上级目标", "target.plan": "规划",
    "cmp.AtLeast": "不低于", "cmp.AtMost": "不高于", "cmp.Approximately": "左右", "cmp.Exactly": "等于",
    "align.goal": "目标", "align.plan": "规划", "align.score": "相似度", "align.method": "方法",
    "align.comparison": "比较", "comparison.Stricter": "更严", "comparison.Looser": "更宽",
    "comparison.Same": "相同", "comparison.NotComparable": "不可比",
    "dept.title": "部门", "dept.name": "名称", "dept.type": "职能", "dept.jurisdiction": "辖区",
    "dept.leads": "牵头", "dept.supports": "配合", "dept.items": "事项", "dept.plan": "规划",
    "dept.item": "目标或措施", "dept.area": "领域", "dept.kind": "类型", "dept.peers": "其他地区的同职能部门",
    "dept.prev": "上一页", "dept.next": "下一页", "dept.all": "全部部门", "dept.ofRegion": "{region}的全部部门",
    "ind.title": "指标", "ind.name": "指标", "ind.plans": "规划数", "ind.chart": "各规划目标与上级目标",
    "ind.unit": "单位", "ind.upstreamLine": "上级目标",
    "sparql.title": "SPARQL 查询", "sparql.cookbook": "查询示例", "sparql.run": "运行",
    "sparql.csv": "下载 CSV", "sparql.link": "复制链接", "sparql.copied": "链接已复制",
    "sparql.rows": "{n} 行", "sparql.ms": "{ms} 毫秒", "sparql.truncated": "结果已截断为 {n} 行",
    "sparql.hint": "Ctrl+Enter 运行；前缀 pg:、pgid:、skos:、dcterms: 等已预先声明。",
    "sparql.true": "是", "sparql.false": "否",
    "search.title": "搜索", "search.results": "“{q}”的结果：{n} 条", "search.kind": "类型",
    "search.empty": "输入关键词搜索", "kind.goal": "目标", "kind.measure": "措施", "kind.keyProject": "重点工程", "kind.project": "重点工程",
    "level.National": "国家级", "level.Provincial": "省级", "level.Municipal": "市级", "level.County": "县级",
    "home.title": "中国地方发展规划知识图谱",
    "home.lead": "浏览规划的领域、目标与措施，查看责任部门及其依据、量化指标与上级目标的比较，或直接编写 SPARQL 查询。",
  },
  en: {
    "nav.plans": "Plans", "nav.departments": "Departments", "nav.indicators": "Indicators", "nav.sparql": "SPARQL",
    "search.placeholder": "Search goals, measures, key projects", "search.button": "Search",
    "footer.data": "Data: four county-level women's development plans and their upstream plans",
    "lang.other": "中文",
    "loading": "Loading…", "notFound": "no page at {path}", "error": "Error", "none": "none", "more": "More",
    "plans.title": "Plans", "plans.region": "Region", "plans.level": "Level", "plans.period": "Period",
    "plans.areas": "Areas", "plans.goals": "Goals", "plans.measures": "Measures", "plans.keyProjects": "Key projects",
    "plans.basedOn": "Based on", "plans.upstream": "Upstream plan", "plans.supersedes": "Supersedes", "plans.identifier": "Document number",
    "plans.issued": "Issued", "plans.gaps": "Gaps against the upstream plan", "plans.gapNational": "Upstream goals this plan does not set", "plans.gapLocal": "Goals of this plan the upstream plan does not set",
    "area.type": "Area type", "area.goals": "Main goals", "area.measures": "Measures",
    "item.goal": "Goal", "item.measure": "Measure", "item.number": "Number", "item.text": "Full text",
    "item.owners": "Owners", "item.targets": "Targets", "item.alignments": "Alignments",
    "item.source": "Source", "item.sourceFile": "Source file", "item.line": "line", "item.supports": "Serves goals",
    "status.Recalled": "Recalled: wording, number and figures not confirmed by a source", "status.Confirmed": "Wording confirmed by a source", "item.trace": "Trace upstream", "item.noTrace": "No aligned upstream goal",
    "owner.department": "Department", "owner.role": "Role", "owner.basis": "Basis", "owner.confidence": "Confidence",
    "owner.evidence": "Evidence",
    "role.Lead": "Lead", "role.Support": "Support", "basis.Stated": "Stated", "basis.Inferred": "Inferred",
    "target.indicator": "Indicator", "target.value": "Target", "target.comparator": "Comparator",
    "target.year": "Year", "target.upstream": "Upstream target", "target.plan": "Plan",
    "cmp.AtLeast": "at least", "cmp.AtMost": "at most", "cmp.Approximately": "about", "cmp.Exactly": "exactly",
    "align.goal": "Goal", "align.plan": "Plan", "align.score": "Score", "align.method": "Method",
    "align.comparison": "Comparison", "comparison.Stricter": "stricter", "comparison.Looser": "looser",
    "comparison.Same": "same", "comparison.NotComparable": "not comparable",
    "dept.title": "Departments", "dept.name": "Name", "dept.type": "Function", "dept.jurisdiction": "Jurisdiction",
    "dept.leads": "Leads", "dept.supports": "Supports", "dept.items": "Items", "dept.plan": "Plan",
    "dept.item": "Goal or measure", "dept.area": "Area", "dept.kind": "Kind", "dept.peers": "The same function in other jurisdictions",
    "dept.prev": "Previous", "dept.next": "Next", "dept.all": "All departments", "dept.ofRegion": "Every department of {region}",
    "ind.title": "Indicators", "ind.name": "Indicator", "ind.plans": "Plans", "ind.chart": "Each plan's target against the upstream one",
    "ind.unit": "Unit", "ind.upstreamLine": "upstream target",
    "sparql.title": "SPARQL query", "sparql.cookbook": "Cookbook", "sparql.run": "Run",
    "sparql.csv": "Download CSV", "sparql.link": "Copy link", "sparql.copied": "Link copied",
    "sparql.rows": "{n} rows", "sparql.ms": "{ms} ms", "sparql.truncated": "answer cut at {n} rows",
    "sparql.hint": "Ctrl+Enter runs; the prefixes pg:, pgid:, skos:, dcterms: … are predeclared.",
    "sparql.true": "true", "sparql.false": "false",
    "search.title": "Search", "search.results": "{n} hits for “{q}”", "search.kind": "Kind",
    "search.empty": "Type words to search", "kind.goal": "Goal", "kind.measure": "Measure", "kind.keyProject": "Key project", "kind.project": "Key project",
    "level.National": "national", "level.Provincial": "provincial", "level.Municipal": "municipal", "level.County": "county",
    "home.title": "A knowledge graph of Chinese local development plans",
    "home.lead": "Browse plans by area, goal and measure; see who owns each and why, compare targets with the upstream ones, or write SPARQL.",
  },
};

const KEY = "plangraph.lang";
let current = "zh";

/** The language in use: the stored choice, else Chinese. */
export function initLang() {
  const stored = localStorage.getItem(KEY);
  current = stored in STRINGS ? stored : "zh";
  return current;
}

export function lang() {
  return current;
}

export function setLang(code) {
  current = code in STRINGS ? code : "zh";
  localStorage.setItem(KEY, current);
}

/** The UI string for `key` in the current language, `{name}` filled from `vars`. */
export function t(key, vars = {}) {
  const s = STRINGS[current][key] ?? STRINGS.zh[key] ?? key;
  return s.replace(/\{(\w+)\}/g, (_, name) => String(vars[name] ?? ""));
}

/** The label of an ontology term (pg:Lead, pg:AtLeast …) under a key family, or its local name. */
export function term(family, iriOrName) {
  if (iriOrName == null) return "";
  const name = String(iriOrName).split(/[#/]/).pop();
  const key = `${family}.${name}`;
  return key in STRINGS[current] ? t(key) : name;
}

/** Fill the page's static [data-i18n] texts and placeholders. */
export function applyStatic(root = document) {
  document.documentElement.lang = current === "zh" ? "zh" : "en";
  for (const el of root.querySelectorAll("[data-i18n]")) el.textContent = t(el.dataset.i18n);
  for (const el of root.querySelectorAll("[data-i18n-placeholder]")) {
    el.placeholder = t(el.dataset.i18nPlaceholder);
  }
}
