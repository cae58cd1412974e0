"""The 问答 tab: the chat (streamed answers with [n] links), the 引用原文 panel of citation cards, and
the ``/ask`` and ``/chat`` API (Markdown answers with their 依据).

Every text that comes from a document or a user is escaped before it is shown (:mod:`bot.render`).
"""

from __future__ import annotations

import gradio as gr

from bot.guard import InputRejected, RateLimiter, check_question
from bot.render import answer_notice, citation_cards, escape_html, inert_markdown, link_markers, render_markdown
from bot.schema import Answer
from bot.ui.common import admit as _admit, checked as _checked, user_of

DOC_TYPES = ["全部", "法规", "案例", "讲稿", "资料"]
EXAMPLES = ["预备党员的预备期是多长时间？", "党员有哪些权利？", "违纪后下落不明的党员怎么处理？", "党章第十条是怎么规定的？"]

_safe = inert_markdown

PANEL_EMPTY = "_提问后，这里显示回答所引用的原文：点回答中的 [n] 打开对应的原文，引用的句子用黄色标出。_"
#: citation cards (bot.render.citation_cards): a card, its highlighted quote, status and file name
CARD_CSS = """
.cite-card{border:1px solid #e8cfc6;border-radius:8px;padding:6px 10px;margin:6px 0;background:#fffaf8}
.cite-card summary{cursor:pointer;line-height:1.6}
.cite-card mark{background:#ffe08a;padding:0 1px}
.cite-text{margin-top:6px;line-height:1.7}
.cite-status-current{color:#1e7b34;font-size:12px}.cite-status-old{color:#999;font-size:12px}
.cite-file{color:#888;font-size:12px;margin-top:4px}
.cite-flash{outline:2px solid #c0392b}
.cite-turn{margin-top:10px;color:#555}
"""
#: a click on [n] in an answer opens its card (and the folded group holding it) and scrolls to it
CARD_JS = """
<script>
document.addEventListener('click', (e) => {
  const a = e.target.closest('a[href^="#cite-"]');
  if (!a) return;
  e.preventDefault();
  const card = document.getElementById(a.getAttribute('href').slice(1));
  if (!card) return;
  for (let d = card; d; d = d.parentElement && d.parentElement.closest('details')) d.open = true;
  document.querySelectorAll('.cite-flash').forEach((x) => x.classList.remove('cite-flash'));
  card.classList.add('cite-flash');
  card.scrollIntoView({behavior: 'smooth', block: 'center'});
});
</script>
"""


def sources_markdown(ans: Answer, turn: int = 1, admin: bool = False) -> str:
    """The cited passages of one answer as collapsible cards (:func:`bot.render.citation_cards`), or
    a line saying there is no citation."""
    if not ans.citations:
        return "_本次回答没有引用（知识库中未找到依据）。_" if not ans.grounded else ""
    return citation_cards(ans, turn, show_source=admin)


def sources_panel(groups: list[dict]) -> str:
    """The 引用原文 panel for a conversation: the latest answer's cards, then the cards of every
    earlier answer in one folded group (newest first), so each [n] in the conversation has its card.

    Args:
        groups: ``[{"turn": int, "question": str, "html": str}, …]`` in conversation order.
    """
    if not groups:
        return PANEL_EMPTY
    latest, earlier = groups[-1], groups[-2::-1]
    out = [f'<div class="cite-turn">第 {latest["turn"]} 问：{escape_html(latest["question"])}</div>', latest["html"]]
    if earlier:
        out.append(f"<details class=\"cite-earlier\"><summary>之前 {len(earlier)} 个回答的引用</summary>" + "".join(
            f'<div class="cite-turn">第 {g["turn"]} 问：{escape_html(g["question"])}</div>{g["html"]}' for g in earlier)
            + "</details>")
    return "\n".join(out)


def plain_history(history: list | None) -> list[dict]:
    """Chat turns as plain {"role", "content": str} dicts (drops non-text content)."""
    out = []
    for t in history or []:
        if isinstance(t, dict) and t.get("role") in ("user", "assistant"):
            content = t.get("content")
            if isinstance(content, list):  # Gradio may hand back [{"type": "text", "text": ...}]
                content = "".join(x.get("text", "") for x in content if isinstance(x, dict))
            if isinstance(content, str) and content:
                out.append({"role": t["role"], "content": content})
    return out


def chat_reply(ans: Answer, turn: int | None = None) -> str:
    """The chat bubble: answer, a notice when verification failed or the LLM fell back, 依据 labels.
    With ``turn`` (the answer's number in the conversation) each [n] links to its citation card."""
    reply = inert_markdown(ans.answer, keep_markers=True)  # document text is shown, never run
    if notice := answer_notice(ans):
        reply += "\n\n" + inert_markdown(notice)
    if ans.citations:
        reply += "\n\n**依据：** " + "；".join(f"[{c.n}] {inert_markdown(c.label())}" for c in ans.citations)
    return reply if turn is None else link_markers(reply, turn, {c.n for c in ans.citations})


def doc_type_of(choice: str | None) -> str | None:
    """The 检索范围 dropdown's value as a doc type filter (None for 全部)."""
    return None if not choice or choice == "全部" else choice


def make_chat_ui(pipe, worker, limiter: RateLimiter):
    """The chat box's handler ``chat_ui(message, history, doc_type, groups, request)``: a generator of
    (chat history, cleared box, 引用原文 panel, card groups) — the question first, then the streamed
    answer, then the final answer with its cards. A rejected question (empty, too long, rate limit) is
    answered in the chat with its Chinese message."""

    def chat_ui(message: str, history: list, doc_type: str, groups: list | None, request: gr.Request = None):
        groups = list(groups or [])
        message = (message or "").strip()
        if not message:
            yield history, "", gr.update(), groups
            return
        try:
            check_question(message, pipe.settings)
            limiter.hit("ask", user_of(request))
        except InputRejected as e:
            shown = message if len(message) <= 200 else message[:200] + "…"
            history = list(history or []) + [{"role": "user", "content": _safe(shown)},
                                             {"role": "assistant", "content": "⚠ " + _safe(str(e))}]
            yield history, "", gr.update(), groups
            return
        earlier = plain_history(history)
        turn = sum(1 for t in earlier if t["role"] == "user") + 1
        history = list(history or []) + [{"role": "user", "content": message}, {"role": "assistant", "content": "…"}]
        yield history, "", gr.update(), groups
        text = ""
        for item in pipe.ask_stream(message, doc_type=doc_type_of(doc_type), history=earlier):
            if isinstance(item, str):
                text += item
                history[-1] = {"role": "assistant", "content": text}
                yield history, "", gr.update(), groups
            else:
                history[-1] = {"role": "assistant", "content": worker.with_note(chat_reply(item, turn))}
                admin = pipe.admin.role(getattr(request, "username", None)) == "admin"
                groups = groups + [{"turn": turn, "question": message, "html": sources_markdown(item, turn, admin)}]
                yield history, "", sources_panel(groups), groups

    return chat_ui


def build_ask_tab(pipe, worker, limiter: RateLimiter):
    """Tab 问答 (inside ``gr.Tab``): the chat, the 检索范围 dropdown, examples and the 引用原文 panel.

    Returns:
        (box, chat_ui, chat_in, chat_out): the question box and the chat handler with its inputs and
        outputs, which the caller wires to other tabs (the 练习 tab's "问一问" buttons).
    """
    chat_ui = make_chat_ui(pipe, worker, limiter)
    with gr.Row():
        with gr.Column(scale=3):
            chatbot = gr.Chatbot(label="对话", height=480, sanitize_html=True)
            with gr.Row():
                box = gr.Textbox(placeholder="输入问题，例如：预备党员的预备期是多长时间？", show_label=False, scale=5,
                                 elem_id="chat-box")
                send = gr.Button("提问", variant="primary", scale=1)
            with gr.Row():
                doc_type = gr.Dropdown(DOC_TYPES, value="全部", label="检索范围", scale=1)
                clear = gr.Button("清空对话", scale=1)
            gr.Examples(EXAMPLES, inputs=box, label="示例问题")
        with gr.Column(scale=2):
            gr.Markdown("### 引用原文")
            sources = gr.Markdown(PANEL_EMPTY, elem_id="sources")
    cards = gr.State([])
    chat_in, chat_out = [box, chatbot, doc_type, cards], [chatbot, box, sources, cards]
    send.click(chat_ui, chat_in, chat_out, api_name="chat_ui_send", api_visibility="private")
    box.submit(chat_ui, chat_in, chat_out, api_name="chat_ui_submit", api_visibility="private")
    clear.click(lambda: ([], "", PANEL_EMPTY, []), None, [chatbot, box, sources, cards], api_name="chat_ui_clear",
                api_visibility="private")
    return box, chat_ui, chat_in, chat_out


def build_ask_api(pipe, worker, limiter: RateLimiter) -> None:
    """Register ``/ask`` (question → answer and its 依据 as Markdown) and ``/chat`` (message and earlier
    turns ``[{"role", "content"}, …]`` → Markdown) inside a ``gr.Blocks`` context. While the knowledge
    base is being indexed the answer ends with a note saying so."""

    def ask(question: str, request: gr.Request) -> str:
        """Answer a question from the knowledge base; returns the answer and its 依据 as Markdown."""
        question = _checked(check_question, question, pipe.settings)
        _admit(limiter, "ask", request)
        return worker.with_note(render_markdown(_checked(pipe.ask, question)))

    def chat_api(message: str, history: list[dict] | None = None, request: gr.Request = None) -> str:
        """Multi-turn: answer ``message`` given earlier turns [{"role", "content"}, …]; Markdown."""
        message = _checked(check_question, message, pipe.settings)
        _admit(limiter, "ask", request)
        return worker.with_note(render_markdown(_checked(pipe.ask, message, history=plain_history(history))))

    gr.api(ask, api_name="ask")
    gr.api(chat_api, api_name="chat")


__all__ = ["CARD_CSS", "CARD_JS", "DOC_TYPES", "EXAMPLES", "PANEL_EMPTY", "build_ask_api", "build_ask_tab",
           "chat_reply", "doc_type_of", "make_chat_ui", "plain_history", "sources_markdown", "sources_panel"]
