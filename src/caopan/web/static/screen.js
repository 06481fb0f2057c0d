// 直播数据大屏: subscribes to the session's snapshot stream and updates in place.
// No framework, no build step. Charts and DOM nodes are created once and updated, so the page
// can run for days without growing or flickering.
(function () {
  "use strict";
  const C = window.CAOPAN;
  const EN = C.lang === "en";
  const T = {
    traffic: ["流量来源与转化漏斗", "Traffic and funnel"], trend: ["分钟趋势", "Per-minute trend"],
    products: ["商品实时榜", "Live product board"], all: ["全场", "All"],
    o_watch: ["进场人次", "Entries"], o_click: ["商品点击人数", "Product clickers"],
    o_comment: ["评论数", "Comments"], o_ad: ["投放消耗", "Ad spend"],
    elapsed: ["已开播", "On air"], live: ["直播中", "LIVE"], ended: ["已结束", "Ended"],
    connecting: ["连接中", "connecting"], connected: ["已连接", "connected"], down: ["重连中", "reconnecting"],
    online: ["在线人数", "Online"], gmv: ["成交金额 (元)", "GMV (yuan)"], noAlerts: ["暂无预警", "No alerts"],
    rank: ["#", "#"], product: ["商品", "Product"], clicks: ["点击", "Clicks"], orders: ["单数", "Orders"],
    items: ["件数", "Items"], ctp: ["点击-成交", "Click→pay"], unpaid: ["压单", "Unpaid"], refund: ["退款", "Refunds"],
    explaining: ["讲解中", "LIVE"], previous: ["上窗口", "prev"],
    natural: ["自然", "Natural"], private: ["私域", "Private"], paid: ["付费", "Paid"],
    f_imp: ["直播间曝光", "Impressions"], f_enter: ["进入", "Entered"], f_pimp: ["商品曝光", "Product views"],
    f_click: ["商品点击", "Clicks"], f_pay: ["成交", "Buyers"],
    hot: ["评论热词", "Hot words"], comments: ["最新评论", "Latest comments"], noComments: ["暂无评论", "No comments yet"],
    lowStock: ["库存告急", "Low stock"], soldOut: ["售罄", "Sold out"],
    settings: ["⚙ 预警设置", "⚙ Alerts"], settingsTitle: ["预警阈值（本场）", "Alert thresholds (this session)"],
    token: ["服务商令牌", "Provider token"], save: ["保存", "Save"], close: ["关闭", "Close"],
    saved: ["已保存，下一次刷新起生效", "Saved; applies from the next update"], needToken: ["请填写服务商令牌", "Enter the provider token"],
  };
  const t = (k) => (T[k] ? T[k][EN ? 1 : 0] : k);
  const byId = Object.fromEntries(C.catalog.metrics.map((m) => [m.id, m]));
  const label = (id) => (EN ? byId[id].en : byId[id].zh);

  // -- fit the 1920×1080 stage to the window (no scrollbars, no white borders) --
  const stage = document.getElementById("stage");
  function fit() {
    const s = Math.min(window.innerWidth / 1920, window.innerHeight / 1080);
    stage.style.transform = `translate(${(window.innerWidth - 1920 * s) / 2}px, ${(window.innerHeight - 1080 * s) / 2}px) scale(${s})`;
    charts.forEach((c) => c.resize());
  }

  // -- formatting, from the catalog's units --
  const fmt = {
    fen: (v) => "¥" + (v / 100).toLocaleString("zh-CN", { minimumFractionDigits: 2, maximumFractionDigits: 2 }),
    ratio: (v) => (v * 100).toFixed(2) + "%",
    s: (v) => { const x = Math.round(v); return x >= 60 ? `${Math.floor(x / 60)}${EN ? "m" : "分"}${String(x % 60).padStart(2, "0")}${EN ? "s" : "秒"}` : v.toFixed(1) + (EN ? "s" : "秒"); },
    num: (v) => (Number.isInteger(v) ? v.toLocaleString("zh-CN") : v.toLocaleString("zh-CN", { maximumFractionDigits: 1 })),
  };
  function show(id, v) {
    if (v === null || v === undefined) return "—";
    if (id.endsWith("_roi")) return v.toFixed(2);
    const u = byId[id] ? byId[id].unit : "";
    return (fmt[u] || fmt.num)(v);
  }
  function change(id, v, p) {
    if (v == null || p == null || p === 0 || v === p) return { text: v === p && v != null ? "0.0%" : "—", cls: "" };
    const up = v > p;
    const good = up === byId[id].up;
    return { text: (up ? "▲" : "▼") + Math.abs(((v - p) / Math.abs(p)) * 100).toFixed(1) + "%", cls: good ? "good" : "bad" };
  }
  document.querySelectorAll("[data-i18n]").forEach((el) => { el.textContent = t(el.dataset.i18n); });
  document.getElementById("elapsed-label").textContent = t("elapsed");

  // -- headline cards --
  const CARDS = ["pay_gmv_fen", "online_now", "watch_uv", "gpm_fen", "watch_to_pay_rate", "ad_cost_fen", "provider_commission_est_fen"];
  const cardsEl = document.getElementById("cards");
  const cardNodes = {};
  CARDS.forEach((id, i) => {
    const el = document.createElement("div");
    el.className = "card" + (i === 0 ? " hero" : "");
    el.innerHTML = `<div class="label"></div><div class="value">—</div><div class="sub"></div>`;
    el.dataset.metric = id;
    el.querySelector(".label").textContent = label(id);
    cardsEl.appendChild(el);
    cardNodes[id] = { value: el.querySelector(".value"), sub: el.querySelector(".sub") };
  });

  // -- all 42 metrics, grouped as the catalog groups them --
  const metricsEl = document.getElementById("metrics");
  const metricNodes = {};
  C.catalog.groups.forEach((g) => {
    const box = document.createElement("div");
    box.className = "group";
    box.innerHTML = `<h4></h4>`;
    box.querySelector("h4").textContent = EN ? g.en : g.zh;
    C.catalog.metrics.filter((m) => m.group === g.id).forEach((m) => {
      const row = document.createElement("div");
      row.className = "m";
      row.dataset.metric = m.id;
      row.innerHTML = `<span class="n"></span><span class="v">—</span><span class="c"></span>`;
      row.querySelector(".n").textContent = label(m.id);
      row.title = `${m.number}. ${m.zh} · ${m.en}`;
      box.appendChild(row);
      metricNodes[m.id] = { v: row.querySelector(".v"), c: row.querySelector(".c") };
    });
    metricsEl.appendChild(box);
  });

  // -- charts (created once) --
  const charts = [];
  const mk = (id) => { const c = echarts.init(document.getElementById(id), null, { renderer: "canvas" }); charts.push(c); return c; };
  const trend = mk("trend"), sources = mk("sources"), funnel = mk("funnel");
  const axis = { axisLine: { lineStyle: { color: "#3a4a70" } }, axisLabel: { color: "#8090b0" }, splitLine: { lineStyle: { color: "#1a2542" } } };
  let overlay = "gpm_fen", zoomHours = 0, last = null;
  document.getElementById("overlay").addEventListener("change", (e) => { overlay = e.target.value; if (last) render(last); });
  document.querySelectorAll("#zoom button").forEach((b) => b.addEventListener("click", () => {
    zoomHours = Number(b.dataset.h);
    document.querySelectorAll("#zoom button").forEach((x) => x.classList.toggle("on", x === b));
    if (last) render(last);
  }));
  const MARK = { explain: "#6f7cff", coupon: "#f5a623", lucky_bag: "#b46cff", red_packet: "#ff4d6d", flash_sale: "#ff7a00", violation: "#ff3b30", note: "#8a93a6" };
  const MARKNAME = { explain: ["讲解", "explain"], coupon: ["优惠券", "coupon"], lucky_bag: ["福袋", "lucky bag"], red_packet: ["红包", "red packet"], flash_sale: ["秒杀", "flash sale"], violation: ["违规", "violation"], note: ["备注", "note"] };
  const hhmm = (ms) => new Date(ms + 8 * 3600e3).toISOString().slice(11, 16);

  function renderTrend(s) {
    const series = s.series, minutes = series.minute || [];
    let n = minutes.length;
    const online = series.online_now || [], views = series.watch_pv || [];
    let lastActive = 0;
    online.forEach((v, i) => { if (v > 0 || views[i] > 0) lastActive = i; });
    n = Math.min(n, lastActive + 3);
    const from = zoomHours ? Math.max(0, n - zoomHours * 60) : 0;
    const cut = (xs) => (xs || []).slice(from, n);
    const money = overlay.endsWith("_fen");
    const over = cut(series[overlay]).map((v) => (v == null ? null : money ? v / 100 : v));
    const marks = (s.markers || []).map((m) => ({ i: Math.floor((m.ts - minutes[0]) / 60000) - from, m }))
      .filter((x) => x.i >= 0 && x.i < n - from)
      .map(({ i, m }) => ({ xAxis: i, label: { show: m.kind !== "explain", formatter: MARKNAME[m.kind] ? MARKNAME[m.kind][EN ? 1 : 0] : m.kind, color: MARK[m.kind] || "#888", fontSize: 12 },
        lineStyle: { color: MARK[m.kind] || "#888", type: m.kind === "explain" ? "dotted" : "dashed", opacity: m.kind === "explain" ? 0.35 : 0.9 } }));
    trend.setOption({
      animation: false,
      grid: { left: 56, right: 64, top: 34, bottom: 26 },
      tooltip: { trigger: "axis" },
      legend: { top: 0, right: 0, textStyle: { color: "#9fb0d0" } },
      xAxis: { type: "category", data: cut(minutes).map(hhmm), ...axis },
      yAxis: [{ type: "value", ...axis }, { type: "value", ...axis }, { type: "value", show: false }],
      series: [
        { name: t("online"), type: "line", showSymbol: false, areaStyle: { opacity: 0.2 }, lineStyle: { color: "#5ab0ff" }, itemStyle: { color: "#5ab0ff" }, data: cut(online), markLine: { symbol: "none", silent: true, data: marks } },
        { name: t("gmv"), type: "bar", yAxisIndex: 1, itemStyle: { color: "#ff6a3d" }, data: cut(series.pay_gmv_fen).map((v) => (v == null ? null : v / 100)) },
        { name: document.querySelector(`#overlay option[value="${overlay}"]`).textContent, type: "line", yAxisIndex: 2, showSymbol: false, lineStyle: { color: "#34c759", width: 1.5 }, itemStyle: { color: "#34c759" }, data: over },
      ],
    }, { replaceMerge: ["series"] });
  }

  function renderTraffic(s) {
    const byClass = { natural: 0, private: 0, paid: 0 };
    (s.sources || []).forEach((x) => { byClass[x["class"]] = (byClass[x["class"]] || 0) + x.enter_pv; });
    sources.setOption({
      animation: false,
      tooltip: { trigger: "item" },
      series: [
        { type: "pie", radius: [0, "32%"], center: ["50%", "52%"], label: { position: "inner", color: "#fff", fontSize: 12 }, data: Object.keys(byClass).map((k) => ({ name: t(k), value: byClass[k] })) },
        { type: "pie", radius: ["44%", "62%"], center: ["50%", "52%"], label: { color: "#cfd8ec", fontSize: 12, formatter: (p) => `${p.name} ${p.percent}%` },
          data: (s.sources || []).map((x) => ({ name: EN ? x.source : x.zh, value: x.enter_pv })) },
      ],
    });
    const m = s.metrics;
    const steps = [["f_imp", m.impression_uv], ["f_enter", m.watch_uv], ["f_pimp", m.product_impression_uv], ["f_click", m.product_click_uv], ["f_pay", m.pay_uv]];
    funnel.setOption({
      animation: false,
      series: [{ type: "funnel", sort: "none", left: "4%", width: "62%", top: 6, bottom: 6, gap: 2,
        label: { color: "#e6ebf5", fontSize: 13, position: "right", formatter: (p) => {
          const i = p.dataIndex; const prev = i ? steps[i - 1][1] : null;
          return `${p.name} ${(p.value || 0).toLocaleString()}` + (prev ? ` (${((100 * (p.value || 0)) / prev).toFixed(1)}%)` : "");
        } },
        data: steps.map(([k, v]) => ({ name: t(k), value: v || 0 })) }],
    });
  }

  const productsTable = document.getElementById("products");
  productsTable.tHead.innerHTML = `<tr>${["rank", "product", "clicks", "orders", "items", "gmv", "ctp", "unpaid", "refund"].map((k) => `<th>${k === "gmv" ? "GMV" : t(k)}</th>`).join("")}</tr>`;
  let stockLeft = {};
  let productNames = {};
  // 库存告急 when fewer than 10 items are left (stock known), 售罄 when none
  function lowStock(id) {
    const n = stockLeft[id];
    if (n == null || n >= 10) return "";
    return `<span class="tag low" data-stock="${n}">${n <= 0 ? t("soldOut") : `${t("lowStock")} ${n}`}</span>`;
  }
  function renderProducts(s) {
    const rows = (s.products || []).slice().sort((a, b) => (b.explaining - a.explaining) || (b.pay_gmv_fen - a.pay_gmv_fen)).slice(0, 14);
    const esc = (x) => String(x).replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" }[c]));
    productsTable.tBodies[0].innerHTML = rows.map((p, i) => `<tr class="${p.explaining ? "explaining" : ""}"><td>${i + 1}</td><td title="${esc(p.product_id)}">${esc(productNames[p.product_id] || p.product_id)}${p.explaining ? `<span class="tag">${t("explaining")}</span>` : ""}${lowStock(p.product_id)}</td><td>${p.click_uv.toLocaleString()}</td><td>${p.paid_orders.toLocaleString()}</td><td>${p.pay_items.toLocaleString()}</td><td>${show("pay_gmv_fen", p.pay_gmv_fen)}</td><td>${p.click_to_pay_rate == null ? "—" : (p.click_to_pay_rate * 100).toFixed(1) + "%"}</td><td>${p.unpaid_orders}</td><td>${show("refund_fen", p.refund_fen)}</td></tr>`).join("");
  }

  function render(snap) {
    last = snap;
    const s = snap.session, w = snap.window;
    if (!s || s.error) { document.getElementById("status").textContent = s && s.message ? s.message : "—"; return; }
    const wm = w && w.metrics ? w.metrics : null;
    CARDS.forEach((id) => {
      cardNodes[id].value.textContent = show(id, s.metrics[id]);
      const extra = id === "ad_cost_fen" ? `ROI ${show("ad_roi", s.metrics.ad_roi)} · ` : "";
      if (wm && wm[id]) {
        const ch = change(id, wm[id].value, wm[id].previous);
        cardNodes[id].sub.className = "sub " + ch.cls;
        cardNodes[id].sub.textContent = `${extra}${C.window}${EN ? "m" : "分钟"} ${ch.text}`;
      } else { cardNodes[id].sub.textContent = extra; }
    });
    C.catalog.metrics.forEach((m) => {
      const node = metricNodes[m.id];
      const cur = wm ? wm[m.id].value : s.metrics[m.id];
      node.v.textContent = show(m.id, cur);
      if (wm) { const ch = change(m.id, wm[m.id].value, wm[m.id].previous); node.c.textContent = ch.text; node.c.className = "c " + ch.cls; }
    });
    const start = (s.series.minute || [s.as_of])[0];
    const live = Date.now() - s.as_of < 120000;
    const status = document.getElementById("status");
    status.textContent = live ? t("live") : t("ended");
    status.className = "status" + (live ? " live" : "");
    const secs = Math.max(0, Math.floor(((live ? Date.now() : s.as_of) - start) / 1000));
    document.getElementById("elapsed").textContent = [Math.floor(secs / 3600), Math.floor(secs / 60) % 60, secs % 60].map((x) => String(x).padStart(2, "0")).join(":");
    stockLeft = snap.stock_left || {};
    productNames = snap.product_names || {};
    renderTrend(s); renderTraffic(s); renderProducts(s);
    renderAlerts(snap.alerts || []);
    renderComments(snap.comments);
    document.body.dataset.asOf = String(s.as_of);
  }

  const alertsEl = document.getElementById("alerts");
  function renderAlerts(list) {
    if (!list.length) { alertsEl.textContent = t("noAlerts"); alertsEl.className = "alerts"; return; }
    alertsEl.className = "alerts on";
    alertsEl.textContent = list.map((a) => `${hhmm(a.fired_at)} ${a.severity === "critical" ? "‼" : "⚠"} ${EN ? a.en : a.zh} → ${EN ? a.action_en : a.action_zh}`).join("　｜　");
  }

  // -- comments: hot words of the window with counts, and the latest comments (nodes made once) --
  const HOT = 10, LATEST = 8;
  const hotEl = document.getElementById("hot-words"), listEl = document.getElementById("comment-list");
  const hotNodes = Array.from({ length: HOT }, () => {
    const chip = document.createElement("span"); chip.className = "word";
    const w = document.createElement("b"), n = document.createElement("i");
    chip.append(w, n); hotEl.append(chip); return { chip, w, n };
  });
  const lineNodes = Array.from({ length: LATEST }, () => {
    const li = document.createElement("li"), at = document.createElement("time"), text = document.createElement("span");
    li.append(at, text); listEl.append(li); return { li, at, text };
  });
  const hhmmss = (ms) => new Date(ms + 8 * 3600e3).toISOString().slice(11, 19);
  function renderComments(panel) {
    const words = panel ? panel.hot.words : [], latest = panel ? panel.latest : [];
    document.getElementById("hot-minutes").textContent = panel ? `${panel.hot.minutes}${EN ? " min" : "分钟"}` : "";
    hotNodes.forEach((node, i) => {
      const item = words[i];
      node.chip.hidden = !item;
      if (item) { node.chip.dataset.word = item.word; node.w.textContent = item.word; node.n.textContent = "×" + item.count; }
    });
    lineNodes.forEach((node, i) => {
      const item = latest[i];
      node.li.hidden = !item && i > 0;
      node.at.textContent = item ? hhmmss(item.ts) : "";
      node.text.textContent = item ? item.text : (i === 0 ? t("noComments") : "");
    });
  }

  // -- alert thresholds (预警设置): read with GET, saved with PUT and the provider's token --
  // kind: "pct" shown ×100, "yuan" shown in 元 and sent in fen (parsed exactly, no floats)
  const LIMITS = [
    ["entry_rate_drop", "pct", ["进房率较上窗口下降超过", "Entry rate drops by more than"], "%"],
    ["online_falling_minutes", "int", ["在线人数连续下降", "Online falls for"], EN ? "min" : "分钟"],
    ["unpaid_orders", "int", ["未支付订单超过", "Unpaid orders above"], EN ? "" : "单"],
    ["refund_rate", "pct", ["退款率超过", "Refund rate above"], "%"],
    ["ad_roi_target", "num", ["投放 ROI 低于", "Ad ROI below"], ""],
    ["ad_min_cost_fen", "yuan", ["投放消耗至少（才判断 ROI）", "Ad spend at least (to judge ROI)"], EN ? "yuan" : "元"],
    ["stock_left", "int", ["讲解商品库存不高于", "Explained product stock at most"], EN ? "items" : "件"],
  ];
  const dialog = document.getElementById("settings"), fields = document.getElementById("settings-fields");
  const msg = document.getElementById("settings-msg"), tokenInput = document.getElementById("settings-token");
  const inputs = {};
  LIMITS.forEach(([name, kind, text, unit]) => {
    const row = document.createElement("label"), span = document.createElement("span"), input = document.createElement("input");
    span.textContent = text[EN ? 1 : 0] + (unit ? ` (${unit})` : "");
    input.name = name; input.inputMode = kind === "int" ? "numeric" : "decimal";
    row.append(span, input); fields.append(row); inputs[name] = input;
  });
  const toShown = (kind, v) => kind === "pct" ? String(+(v * 100).toFixed(4)) : kind === "yuan" ? (v / 100).toFixed(2) : String(v);
  function fromShown(kind, text) {
    const s = text.trim();
    if (kind === "yuan") {
      const m = /^(\d+)(?:\.(\d{0,2}))?$/.exec(s);
      return m ? Number(m[1]) * 100 + Number((m[2] || "").padEnd(2, "0")) : NaN;
    }
    if (!/^\d+(\.\d+)?$/.test(s)) return NaN;
    if (kind === "int") return /^\d+$/.test(s) ? Number(s) : NaN;
    return kind === "pct" ? Number(s) / 100 : Number(s);
  }
  const url = `/api/sessions/${encodeURIComponent(C.session)}/alert-thresholds`;
  function say(text, cls) { msg.textContent = text; msg.className = "msg " + (cls || ""); }
  document.getElementById("settings-open").addEventListener("click", async () => {
    say(""); tokenInput.value = localStorage.getItem("caopan-token") || "";
    const r = await fetch(url), body = await r.json();
    if (!r.ok) { say(body.message || r.statusText, "bad"); } else {
      LIMITS.forEach(([name, kind]) => { inputs[name].value = toShown(kind, body.thresholds[name]); });
    }
    dialog.showModal();
  });
  document.getElementById("settings-close").addEventListener("click", () => dialog.close());
  document.getElementById("settings-save").addEventListener("click", async () => {
    const values = {};
    for (const [name, kind, text] of LIMITS) {
      const v = fromShown(kind, inputs[name].value);
      if (Number.isNaN(v)) { say(`${text[EN ? 1 : 0]}: ${inputs[name].value || "—"} ✗`, "bad"); inputs[name].focus(); return; }
      values[name] = v;
    }
    const token = tokenInput.value.trim();
    if (!token) { say(t("needToken"), "bad"); tokenInput.focus(); return; }
    const r = await fetch(url, { method: "PUT", headers: { "Authorization": `Bearer ${token}`, "Content-Type": "application/json" }, body: JSON.stringify(values) });
    const body = await r.json().catch(() => ({}));
    if (!r.ok) { say(body.message || `HTTP ${r.status}`, "bad"); return; }
    localStorage.setItem("caopan-token", token);
    LIMITS.forEach(([name, kind]) => { inputs[name].value = toShown(kind, body.thresholds[name]); });
    say(t("saved"), "good");
  });

  // -- the stream: EventSource reconnects by itself; we show the state --
  const conn = document.getElementById("conn"), connText = document.getElementById("conn-text");
  let source = null;
  function connect() {
    if (source) source.close();
    conn.className = "conn"; connText.textContent = t("connecting");
    source = new EventSource(`/api/sessions/${encodeURIComponent(C.session)}/stream?window=${C.window}`);
    source.addEventListener("snapshot", (e) => { conn.className = "conn ok"; connText.textContent = t("connected"); render(JSON.parse(e.data)); });
    source.onerror = () => { conn.className = "conn down"; connText.textContent = t("down"); };
  }
  document.querySelectorAll("#windows button").forEach((b) => b.addEventListener("click", () => {
    C.window = Number(b.dataset.window);
    document.querySelectorAll("#windows button").forEach((x) => x.classList.toggle("on", x === b));
    const url = new URL(window.location.href); url.searchParams.set("window", String(C.window)); history.replaceState(null, "", url);
    connect();
  }));
  setInterval(() => { document.getElementById("clock").textContent = new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 19).replace("T", " "); }, 1000);
  window.addEventListener("resize", fit);
  fit();
  connect();
})();
