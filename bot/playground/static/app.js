// safetybot playground page. The server renders Block Kit to HTML (escaped there); this
// script lays it out, keeps what a person typed, and reports clicks and submissions.
"use strict";

const $ = (id) => document.getElementById(id);
const TYPING_PAUSE_MS = 500; // how long typing pauses before an on_character_entered action
const ui = {
  me: null,
  version: -1,
  snap: null,
  view: { kind: "channel", id: null, tab: "home" },
  thread: null, // {channel, ts}
  modalKey: "",
  homeKey: "",
  rendered: new Map(), // message key -> signature
  pollGeneration: 0,
};

// ------------------------------------------------------------------ server calls

async function call(op, body) {
  const response = await fetch(`/playground/${op}`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ user: ui.me, ...body }),
  });
  let data = {};
  try { data = await response.json(); } catch (_) { data = { ok: false, error: `HTTP ${response.status}` }; }
  if (!response.ok) toast(data.error || `HTTP ${response.status}`);
  refresh();
  return data;
}

async function fetchState(after) {
  const response = await fetch(`/playground/state?user=${encodeURIComponent(ui.me)}&after=${after}`);
  if (!response.ok) throw new Error(`state: HTTP ${response.status}`);
  return response.json();
}

async function poll() {
  const generation = ++ui.pollGeneration;
  while (generation === ui.pollGeneration) {
    try {
      const state = await fetchState(ui.version);
      if (generation !== ui.pollGeneration) return;
      apply(state);
    } catch (_) {
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
}

async function refresh() {
  try { apply(await fetchState(-1)); } catch (_) { /* the long poll retries */ }
}

// ------------------------------------------------------------------ applying a snapshot

function apply(state) {
  if (state.me !== ui.me) return;
  if (ui.snap && state.version < ui.snap.version) return;
  ui.snap = state;
  ui.version = state.version;
  if (!ui.view.id) ui.view = { kind: "channel", id: state.channels[0].id, tab: "home" };
  if (ui.view.kind === "channel" && !state.channels.some((c) => c.id === ui.view.id)) {
    ui.view = { kind: "channel", id: state.channels[0].id, tab: "home" };
  }
  $("team-name").textContent = state.team.name;
  $("app-name").textContent = state.app.name;
  drawPeople(state);
  drawChannels(state);
  drawMain(state);
  drawThread(state);
  drawModal(state.modal);
  drawLog(state.log);
}

function drawPeople(state) {
  const select = $("me");
  if (select.options.length !== state.people.length) {
    select.replaceChildren(...state.people.map((p) => {
      const option = document.createElement("option");
      option.value = p.id;
      option.textContent = `${p.name}${p.triage ? " ★ triage" : ""}`;
      return option;
    }));
  }
  select.value = ui.me;
  const person = state.people.find((p) => p.id === ui.me);
  $("me-role").textContent = person ? `${person.title}${person.triage ? " · on the triage team" : ""}` : "";
}

function drawChannels(state) {
  const signature = JSON.stringify([state.channels, ui.view]);
  if ($("channels").dataset.signature === signature) return;
  $("channels").dataset.signature = signature;
  $("channels").replaceChildren(...state.channels.map((c) => {
    const li = document.createElement("li");
    const button = document.createElement("button");
    button.type = "button";
    button.className = "nav-item" + (ui.view.kind === "channel" && ui.view.id === c.id ? " active" : "");
    button.dataset.channel = c.id;
    button.textContent = `${c.private ? "🔒" : "#"} ${c.name}`;
    button.addEventListener("click", () => openChannel(c.id));
    li.append(button);
    return li;
  }));
  $("app-link").classList.toggle("active", ui.view.kind === "app");
}

function currentChannelId(state) {
  return ui.view.kind === "app" ? state.app.dm : ui.view.id;
}

function drawMain(state) {
  const inApp = ui.view.kind === "app";
  const home = inApp && ui.view.tab === "home";
  $("tabs").hidden = !inApp;
  for (const tab of document.querySelectorAll(".tab")) tab.classList.toggle("active", tab.dataset.tab === ui.view.tab);
  $("home").hidden = !home;
  $("messages").hidden = home;
  $("composer").hidden = home;
  if (inApp) {
    $("title").textContent = state.app.name;
    $("purpose").textContent = "The app's Home tab and your direct messages with it";
  } else {
    const channel = state.channels.find((c) => c.id === ui.view.id);
    $("title").textContent = `${channel.private ? "🔒" : "#"} ${channel.name}`;
    $("purpose").textContent = channel.purpose || "";
  }
  const channelName = inApp ? state.app.name : state.channels.find((c) => c.id === ui.view.id).name;
  $("message-input").placeholder = `Message ${inApp ? "" : "#"}${channelName} — try ${state.command} report, or ${state.command} help`;
  if (home) drawHome(state.home);
  else drawMessages($("messages"), currentChannelId(state), state.conversations[currentChannelId(state)].messages, false);
}

function drawHome(home) {
  const key = home ? `${home.id}:${home.hash}` : "none";
  if (key === ui.homeKey) return;
  ui.homeKey = key;
  const box = $("home");
  if (!home) {
    box.innerHTML = "";
    const p = document.createElement("p");
    p.className = "empty";
    p.textContent = "safetybot has not published a Home tab for you yet.";
    box.append(p);
    return;
  }
  box.innerHTML = home.html; // rendered and escaped by the server
  box.dataset.viewId = home.id;
}

function messageKey(channel, m) { return `${channel}/${m.ephemeral ? m.id : m.ts}`; }

function drawMessages(box, channel, messages, inThread) {
  const nearBottom = box.scrollHeight - box.scrollTop - box.clientHeight < 80;
  const existing = new Map([...box.children].map((el) => [el.dataset.key, el]));
  const children = messages.map((m) => {
    const key = messageKey(channel, m) + (inThread ? "/t" : "");
    const signature = JSON.stringify([m.html, m.reply_count, m.edited, m.author.name]);
    const old = existing.get(key);
    if (old && old.dataset.signature === signature) return old;
    const el = messageElement(channel, m, inThread);
    el.dataset.key = key;
    el.dataset.signature = signature;
    return el;
  });
  const same = children.length === box.children.length && children.every((el, i) => box.children[i] === el);
  if (!same) box.replaceChildren(...children);
  if (nearBottom || !same) box.scrollTop = box.scrollHeight;
}

function messageElement(channel, m, inThread) {
  const el = document.createElement("div");
  el.className = "msg" + (m.ephemeral ? " ephemeral" : "");
  el.dataset.channel = channel;
  el.dataset.ts = m.ts;
  if (m.ephemeral) el.dataset.ephemeralId = m.id;
  const avatar = document.createElement("div");
  avatar.className = "avatar" + (m.author.bot ? " bot" : "");
  avatar.textContent = (m.author.name || "?").slice(0, 1).toUpperCase();
  const main = document.createElement("div");
  main.className = "msg-main";
  const head = document.createElement("div");
  head.className = "msg-head";
  const name = document.createElement("span");
  name.className = "name";
  name.textContent = m.author.name;
  head.append(name);
  if (m.author.bot) head.append(tag("span", "app", "APP"));
  const time = document.createElement("time");
  time.textContent = new Date(m.at * 1000).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
  head.append(time);
  if (m.edited) head.append(tag("span", "note", "(edited)"));
  if (m.ephemeral) head.append(tag("span", "only-you", "Only visible to you"));
  const body = document.createElement("div");
  body.className = "msg-body";
  body.innerHTML = m.html; // rendered and escaped by the server
  main.append(head, body);
  if (!inThread && m.reply_count) {
    const replies = tag("button", "replies", `${m.reply_count} ${m.reply_count === 1 ? "reply" : "replies"}`);
    replies.type = "button";
    replies.addEventListener("click", () => openThread(channel, m.ts));
    main.append(replies);
  }
  el.append(avatar, main);
  if (!m.ephemeral) el.append(messageTools(channel, m, inThread));
  return el;
}

function messageTools(channel, m, inThread) {
  const tools = tag("div", "msg-tools", "");
  if (!inThread) {
    const reply = tag("button", "", "💬");
    reply.type = "button";
    reply.title = "Reply in thread";
    reply.addEventListener("click", () => openThread(channel, m.ts));
    tools.append(reply);
  }
  const more = tag("button", "more-actions", "⋯");
  more.type = "button";
  more.title = "More actions";
  more.setAttribute("aria-label", "More actions");
  more.addEventListener("click", (event) => {
    event.stopPropagation();
    closeMenus();
    const menu = tag("div", "menu", "");
    for (const shortcut of ui.snap.shortcuts.message) {
      const item = tag("button", "", shortcut.name);
      item.type = "button";
      item.addEventListener("click", () => {
        closeMenus();
        call("shortcut", { channel, ts: m.ts, callback_id: shortcut.callback_id });
      });
      menu.append(item);
    }
    tools.classList.add("open");
    tools.append(menu);
  });
  tools.append(more);
  return tools;
}

function closeMenus() {
  for (const menu of document.querySelectorAll(".msg-tools .menu")) menu.remove();
  for (const tools of document.querySelectorAll(".msg-tools.open")) tools.classList.remove("open");
  $("shortcut-menu").hidden = true;
}

function tag(name, className, text) {
  const el = document.createElement(name);
  if (className) el.className = className;
  el.textContent = text;
  return el;
}

function drawThread(state) {
  const pane = $("thread");
  if (!ui.thread || !state.conversations[ui.thread.channel]) { pane.hidden = true; return; }
  const conversation = state.conversations[ui.thread.channel];
  const parent = conversation.messages.find((m) => m.ts === ui.thread.ts);
  if (!parent) { pane.hidden = true; return; }
  pane.hidden = false;
  const channel = state.channels.find((c) => c.id === ui.thread.channel);
  $("thread-channel").textContent = channel ? `#${channel.name}` : "";
  drawMessages($("thread-messages"), ui.thread.channel, [parent, ...(conversation.threads[ui.thread.ts] || [])], true);
}

function drawModal(modal) {
  const backdrop = $("modal-backdrop");
  if (!modal) { backdrop.hidden = true; ui.modalKey = ""; return; }
  const key = `${modal.id}:${modal.hash}`;
  const body = $("modal-body");
  if (key !== ui.modalKey) {
    const typed = ui.modalKey.split(":")[0] === modal.id ? collectValues(body) : {};
    body.innerHTML = modal.html; // rendered and escaped by the server
    restoreTyped(body, typed);
    ui.modalKey = key;
    $("modal-title").innerHTML = modal.title;
    $("modal-submit").innerHTML = modal.submit;
    $("modal-submit").hidden = !modal.submit;
    $("modal-close").innerHTML = modal.close;
    backdrop.hidden = false;
    const first = body.querySelector("textarea, input, select");
    if (first) first.focus();
  }
  showErrors(modal.errors || {});
}

function showErrors(errors) {
  for (const slot of $("modal-body").querySelectorAll(".bk-error")) {
    const message = errors[slot.dataset.errorFor];
    slot.hidden = !message;
    slot.textContent = message || "";
  }
  const banner = $("modal-banner");
  banner.hidden = !errors._;
  banner.textContent = errors._ || "";
}

function drawLog(entries) {
  const list = $("log-entries");
  list.replaceChildren(...entries.slice().reverse().map((e) => {
    const li = document.createElement("li");
    li.className = e.ok ? "" : "bad";
    const when = new Date(e.at * 1000).toLocaleTimeString();
    li.append(tag("span", "dir", `${when} ${e.direction} `), document.createTextNode(`${e.ok ? "✓" : "✗"} ${e.summary}`));
    if (e.detail) li.append(document.createElement("br"), tag("span", "dir", e.detail));
    return li;
  }));
  const bad = entries.filter((e) => !e.ok).length;
  $("log-errors").hidden = bad === 0;
  $("log-errors").textContent = String(bad);
}

// ------------------------------------------------------------------ element values

function valueOf(el) {
  if (el.tagName === "SELECT") {
    if (el.multiple) return [...el.selectedOptions].map((o) => o.value);
    return el.value === "" ? null : el.value;
  }
  if (el.classList.contains("bk-choices")) {
    const checked = [...el.querySelectorAll("input:checked")].map((i) => i.value);
    return el.dataset.type === "radio_buttons" ? (checked[0] ?? null) : checked;
  }
  return el.value;
}

function collectValues(container) {
  const values = {};
  for (const el of container.querySelectorAll("[data-role]")) {
    if (el.dataset.type === "button" || el.dataset.type === "overflow") continue;
    (values[el.dataset.blockId] ||= {})[el.dataset.actionId] = valueOf(el);
  }
  return values;
}

function restoreTyped(container, typed) {
  // Slack keeps an input's value when a view is updated and the input keeps its block and
  // action ids; an input whose action id changed shows the view's new initial value.
  for (const el of container.querySelectorAll("[data-role=input]")) {
    const block = typed[el.dataset.blockId] || {};
    if (!(el.dataset.actionId in block)) continue;
    const value = block[el.dataset.actionId];
    if (el.tagName === "SELECT") {
      const wanted = new Set(Array.isArray(value) ? value : value === null ? [""] : [value]);
      for (const option of el.options) option.selected = wanted.has(option.value);
    } else if (el.classList.contains("bk-choices")) {
      const wanted = new Set(Array.isArray(value) ? value : value === null ? [] : [value]);
      for (const input of el.querySelectorAll("input")) input.checked = wanted.has(input.value);
    } else if (typeof value === "string" && value !== "") {
      el.value = value;
    }
  }
}

function whereOf(el) {
  const message = el.closest(".msg");
  if (message && message.dataset.ephemeralId) return { kind: "ephemeral", id: message.dataset.ephemeralId };
  if (message) return { kind: "message", channel: message.dataset.channel, ts: message.dataset.ts };
  if (el.closest("#modal")) return { kind: "view", view_id: ui.modalKey.split(":")[0] };
  if (el.closest("#home")) return { kind: "view", view_id: $("home").dataset.viewId };
  return null;
}

function valuesFor(where) {
  if (!where || where.kind !== "view") return {};
  return collectValues(where.view_id === $("home").dataset.viewId ? $("home") : $("modal-body"));
}

function act(el, value) {
  const where = whereOf(el);
  if (!where) return;
  call("action", {
    where,
    block_id: el.dataset.blockId,
    action_id: el.dataset.actionId,
    value,
    values: valuesFor(where),
  });
}

// ------------------------------------------------------------------ navigation

function openChannel(id) {
  ui.view = { kind: "channel", id, tab: "home" };
  ui.thread = null;
  if (ui.snap) apply(ui.snap);
}

function openApp(tab) {
  ui.view = { kind: "app", id: "app", tab };
  ui.thread = null;
  ui.homeKey = "";
  if (tab === "home") call("home", {});
  if (ui.snap) apply(ui.snap);
}

function openThread(channel, ts) {
  ui.thread = { channel, ts };
  if (ui.snap) apply(ui.snap);
  $("thread-input").focus();
}

function toast(text) {
  const box = $("toast");
  box.textContent = text;
  box.hidden = false;
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => { box.hidden = true; }, 4000);
}

async function send(input, threadTs) {
  const text = input.value;
  if (!text.trim() || !ui.snap) return;
  const result = await call("say", { channel: threadTs ? ui.thread.channel : currentChannelId(ui.snap), text, thread_ts: threadTs || null });
  if (!result.error) input.value = ""; // keep the text when the playground refused it
  updateHint();
}

function updateHint() {
  const text = $("message-input").value;
  const command = ui.snap ? ui.snap.command : "/safety";
  $("composer-hint").textContent = text.startsWith("/")
    ? `${command} help · report [text] · check <text> · list [open|mine|sev:high] · show KEY · search WORDS`
    : "Enter sends · Shift+Enter for a new line · ⚡ for shortcuts";
}

// ------------------------------------------------------------------ wiring

function setup() {
  const params = new URLSearchParams(location.search);
  ui.me = params.get("as") || "U0ALICE";
  $("me").addEventListener("change", (e) => {
    ui.me = e.target.value;
    ui.version = -1;
    ui.snap = null;
    ui.modalKey = "";
    ui.homeKey = "";
    if (ui.view.kind === "app" && ui.view.tab === "home") call("home", {});
    poll();
    refresh();
  });
  $("composer").addEventListener("submit", (e) => { e.preventDefault(); send($("message-input"), null); });
  $("thread-composer").addEventListener("submit", (e) => { e.preventDefault(); send($("thread-input"), ui.thread && ui.thread.ts); });
  for (const [input, form] of [["message-input", "composer"], ["thread-input", "thread-composer"]]) {
    $(input).addEventListener("keydown", (e) => {
      if (e.key === "Enter" && !e.shiftKey) { e.preventDefault(); $(form).requestSubmit(); }
    });
  }
  $("message-input").addEventListener("input", updateHint);
  $("thread-close").addEventListener("click", () => { ui.thread = null; $("thread").hidden = true; });
  $("app-link").addEventListener("click", () => openApp("home"));
  for (const tab of document.querySelectorAll(".tab")) tab.addEventListener("click", () => openApp(tab.dataset.tab));
  $("log-button").addEventListener("click", () => { $("log").hidden = !$("log").hidden; });
  $("log-close").addEventListener("click", () => { $("log").hidden = true; });
  $("digest-button").addEventListener("click", async () => {
    const result = await call("digest", {});
    if (result.message) toast(result.message);
    const digest = ui.snap && ui.snap.channels.find((c) => c.role === "digest");
    if (result.ok && digest) openChannel(digest.id);
  });
  $("shortcuts-button").addEventListener("click", (e) => {
    e.stopPropagation();
    const menu = $("shortcut-menu");
    const open = menu.hidden;
    closeMenus();
    if (!open || !ui.snap) return;
    menu.replaceChildren(...ui.snap.shortcuts.global.map((s) => {
      const item = tag("button", "", s.name);
      item.type = "button";
      item.addEventListener("click", () => { closeMenus(); call("shortcut", { channel: currentChannelId(ui.snap), callback_id: s.callback_id }); });
      return item;
    }));
    menu.hidden = false;
  });
  document.addEventListener("click", (e) => {
    if (!e.target.closest(".menu")) closeMenus();
    const button = e.target.closest("[data-role=action][data-type=button]");
    if (!button) return;
    if (button.dataset.confirm && !window.confirm(button.dataset.confirm)) return;
    const url = button.dataset.url;
    if (url && /^https?:\/\//i.test(url)) window.open(url, "_blank", "noopener");
    act(button, null);
  });
  document.addEventListener("change", (e) => {
    const el = e.target.closest("[data-role=action], [data-role=input][data-dispatch='1']");
    if (!el || el.dataset.type === "button" || el.dataset.dispatchOn) return; // text: below
    act(el, valueOf(el));
  });
  // A dispatching text input sends its action as Slack does: after a pause in typing
  // (on_character_entered) and/or on Enter in a one-line input (on_enter_pressed).
  document.addEventListener("input", (e) => {
    const el = e.target.closest("[data-dispatch-on~=character]");
    if (!el) return;
    clearTimeout(el.dispatchTimer);
    el.dispatchTimer = setTimeout(() => { if (el.isConnected) act(el, el.value); }, TYPING_PAUSE_MS);
  });
  document.addEventListener("keydown", (e) => {
    const el = e.target.closest("input[data-dispatch-on~=enter]");
    if (!el || e.key !== "Enter") return;
    e.preventDefault();
    act(el, el.value);
  });
  $("modal-submit").addEventListener("click", async () => {
    const viewId = ui.modalKey.split(":")[0];
    const result = await call("submit", { view_id: viewId, values: collectValues($("modal-body")) });
    if (result.errors) showErrors(result.message ? { ...result.errors, _: result.message } : result.errors);
  });
  for (const id of ["modal-close", "modal-x"]) {
    $(id).addEventListener("click", () => {
      call("close", { view_id: ui.modalKey.split(":")[0], values: collectValues($("modal-body")) });
    });
  }
  document.addEventListener("keydown", (e) => {
    if (e.key === "Escape" && !$("modal-backdrop").hidden) $("modal-x").click();
  });
  updateHint();
  poll();
}

document.addEventListener("DOMContentLoaded", setup);
