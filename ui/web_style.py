"""How the chat page looks and speaks: its CSS, small scripts, and gradio's own strings in Chinese.

Gradio translates its built-in strings (upload area, chat buttons, footer) by the browser's
language; this page is Chinese whatever the browser says, so :func:`chinese_i18n` gives every
language gradio knows the same Chinese strings for what the page shows.
"""

from __future__ import annotations

import json
from typing import Any

INTRO = (
    "# 预算/决算公开报告问答\n"
    "用中文提问，例如某单位某年的公务接待费、增减原因、与上年的变化、单位之间的比较。每个回答都注明出处"
    "（文件、页码或行号、表、行、列）；"
    '<span class="bq-wide">在右侧</span><span class="bq-narrow">在对话下方</span>'
    "的“证据”中点选来源编号，可以看到原表中被引用的单元格和原页上的位置。"
)

CSS = """
#bq-evidence-table th { white-space: normal; min-width: 3.2em; }
footer { display: none !important; }
.bq-narrow { display: none; }
@media (max-width: 768px) {
  .bq-wide { display: none; }
  .bq-narrow { display: inline; }
}
#bq-ingest-log .bq-bar { height: 8px; background: var(--border-color-primary, #ddd); border-radius: 4px; }
#bq-ingest-log .bq-bar > div { height: 8px; background: var(--color-accent, #f97316); border-radius: 4px; }
"""
"""Footer hidden (its links are English and not for citizens); the evidence is said to be on the
right on wide screens and below the chat on phones."""

SCROLL_TO_HIT = """
const fit = () => {
  const cell = element.querySelector('.bq-cell-hit');
  const box = cell && cell.closest('.bq-scroll');
  if (!box) return;
  const c = cell.getBoundingClientRect(), b = box.getBoundingClientRect();
  const head = box.querySelector('thead');
  const headHeight = head ? head.getBoundingClientRect().height : 0;
  box.scrollLeft += c.left - b.left - (b.width - c.width) / 2;
  box.scrollTop += c.top - b.top - headHeight - (b.height - headHeight - c.height) / 2;
};
watch('value', fit);
fit();
"""
"""Keeps the cited cell in view inside a wide or long table (below the sticky header)."""

CHINESE = {
    "upload_text.click_to_upload": "点击选择文件",
    "upload_text.drop_file": "把文件拖到这里",
    "upload_text.drop_audio": "把音频拖到这里",
    "upload_text.drop_csv": "把 CSV 文件拖到这里",
    "upload_text.drop_image": "把图片拖到这里",
    "upload_text.drop_video": "把视频拖到这里",
    "upload_text.drop_gallery": "把文件拖到这里",
    "upload_text.paste_clipboard": "从剪贴板粘贴",
    "common.or": "或",
    "common.clear": "清除",
    "common.download": "下载",
    "common.download_all": "全部下载",
    "common.remove": "移除",
    "common.edit": "编辑",
    "common.empty": "空",
    "common.error": "错误",
    "common.loading": "加载中",
    "common.share": "分享",
    "common.submit": "提交",
    "common.undo": "撤销",
    "common.settings": "设置",
    "common.language": "语言",
    "common.display_theme": "显示主题",
    "common.built_with": "构建于",
    "common.built_with_gradio": "使用 Gradio 构建",
    "common.progress": "进度",
    "common.run": "运行",
    "common.runs": "运行记录",
    "common.back_to_app": "返回",
    "chatbot.clear": "清空对话",
    "chatbot.copy_message": "复制这条消息",
    "chatbot.copied_message": "已复制",
    "chatbot.retry": "重试",
    "chatbot.undo": "撤销",
    "chatbot.edit": "编辑",
    "chatbot.submit": "发送",
    "chatbot.cancel": "取消",
    "chatbot.like": "赞",
    "chatbot.dislike": "踩",
    "chatbot.complete": "完成",
    "file.uploading": "正在上传……",
    "blocks.lost_connection": "与服务器的连接断开，正在重新连接……",
    "blocks.waiting_for_inputs": "文件还在上传，请稍候再试。",
    "blocks.connection_can_break": "在手机上，切换标签页或锁屏可能使连接中断。",
    "blocks.long_requests_queue": "排队的请求较多，请稍候。",
    "status.queue_position": "排队中：第 {position} 位，共 {size} 位",
    "dataframe.filter": "筛选",
    "dataframe.clear_filter": "清除筛选",
    "dataframe.sort_column": "排序",
    "dataframe.sort_ascending": "升序",
    "dataframe.sort_descending": "降序",
    "dataframe.clear_sort": "清除排序",
    "errors.use_via_api": "通过接口使用",
    "errors.use_via_api_or_mcp": "通过接口使用",
    "errors.runtime_error": "运行出错",
    "errors.contact_page_author": "请联系网站管理员。",
    "login.login": "登录",
    "login.username": "用户名",
    "login.password": "密码",
    "login.incorrect_credentials": "用户名或密码不对",
}
"""Gradio's built-in strings this page can show, in Chinese (keys from gradio's own translations)."""

ACCESSIBLE_NAMES = {
    "chatbot conversation": "对话",
    "Empty value": "空",
    "Fullscreen": "全屏",
    "Exit fullscreen": "退出全屏",
    "Exit fullscreen mode": "退出全屏",
    "Click to upload or drop files": "点击选择文件，或把文件拖到这里",
    "Table actions": "表格操作",
    "Copy table data": "复制表格数据",
    "Copy": "复制",
    "Copied": "已复制",
    "Download": "下载",
    "Clear": "清除",
    "Remove": "移除",
    "Share": "分享",
    "Undo": "撤销",
    "Retry": "重试",
    "Edit": "编辑",
    "Close": "关闭",
    "Loading...": "加载中……",
}
"""Names gradio writes into ``aria-label``/``title`` without translating them (screen readers and
tooltips say these), in Chinese."""
MESSAGE_PREFIXES = (("user's message: ", "提问："), ("bot's message: ", "回答："))

HEAD_JS = (
    "() => {\n"
    f"  const words = {json.dumps(ACCESSIBLE_NAMES, ensure_ascii=False)};\n"
    f"  const prefixes = {json.dumps(MESSAGE_PREFIXES, ensure_ascii=False)};\n"
    """  const names = ['aria-label', 'title', 'placeholder', 'alt'];
  const fix = el => {
    if (!el.getAttribute) return;
    for (const name of names) {
      const value = el.getAttribute(name);
      if (!value) continue;
      let chinese = words[value.trim()];
      for (const [prefix, said] of prefixes) if (value.startsWith(prefix)) chinese = said + value.slice(prefix.length);
      if (chinese !== undefined && chinese !== value) el.setAttribute(name, chinese);
    }
  };
  const scan = root => {
    if (root.nodeType !== 1) return;
    fix(root);
    root.querySelectorAll('[aria-label],[title],[placeholder],[alt]').forEach(fix);
  };
  new MutationObserver(changes => {
    for (const change of changes) {
      if (change.type === 'attributes') fix(change.target);
      else change.addedNodes.forEach(scan);
    }
  }).observe(document.body, {subtree: true, childList: true, attributes: true, attributeFilter: names});
  scan(document.body);
}"""
)
"""Runs once the page is loaded: keeps gradio's untranslated accessible names Chinese as it renders."""

LOCALES = (
    "en", "zh-CN", "zh-TW", "zh", "ar", "ca", "ckb", "de", "es", "et", "eu", "fa", "fi", "fr", "he", "hi", "ja",
    "ko", "lt", "nb", "nl", "pl", "pt-BR", "pt", "ro", "ru", "sv", "ta", "th", "tr", "uk", "ur", "uz",
)  # fmt: skip
"""Every language gradio ships strings for: all of them get the Chinese ones."""


def chinese_i18n() -> Any:
    """A ``gr.I18n`` that makes gradio's own strings Chinese in every browser language."""
    import gradio as gr

    return gr.I18n(**{locale: dict(CHINESE) for locale in LOCALES})
