// Chinese first; English on request. The choice is remembered per browser.
(function () {
  const messages = {
    "zh-CN": {
      "app.title": "文化传媒中心运营平台",
      "live.connecting": "连接中…", "live.connected": "实时", "live.reconnecting": "重新连接中…", "live.disconnected": "已断开",
      "system.title": "系统状态", "system.updated": "更新于", "system.silos": "在线节点", "system.pulse": "集群脉搏",
      "system.lastPulse": "最近一次", "system.web": "当前 Web 实例", "system.siloName": "节点", "system.siloAddress": "地址",
      "system.siloStatus": "状态", "system.siloStarted": "启动时间", "system.loading": "加载中…", "system.none": "没有在线节点",
      "system.error": "无法读取系统状态：", "status.Active": "运行中", "lang.switch": "English",
      "auth.title": "登录", "auth.username": "用户名", "auth.password": "密码", "auth.submit": "登录", "auth.signOut": "退出",
      "auth.changeTitle": "请设置新密码", "auth.changeHint": "首次登录或密码被重置后，需要先设置自己的密码。",
      "auth.currentPassword": "当前密码", "auth.newPassword": "新密码", "auth.changeSubmit": "保存",
      "nav.system": "系统状态", "nav.audit": "日志审计", "audit.title": "日志审计", "audit.export": "导出 CSV", "audit.kind": "日志",
      "audit.operations": "操作日志", "audit.logins": "登录日志", "audit.from": "开始", "audit.to": "结束", "audit.actor": "操作人",
      "audit.action": "操作", "audit.result": "结果", "audit.any": "全部", "audit.search": "查询", "audit.alerts": "安全预警",
      "audit.time": "时间", "audit.target": "对象", "audit.noAlerts": "暂无预警", "audit.none": "没有符合条件的记录",
      "nav.fleet": "智能终端", "fleet.title": "智能终端运行监控", "fleet.total": "终端总数", "fleet.health": "状态", "fleet.region": "区域",
      "fleet.search": "搜索", "fleet.id": "终端", "fleet.name": "名称", "fleet.lastSeen": "最近心跳", "fleet.none": "没有终端",
      "fleet.deadline": "离线判定时间", "fleet.telemetry": "遥测", "fleet.degradedBecause": "降级原因", "fleet.inspectionDue": "下次巡检",
      "fleet.flaps": "抖动次数", "fleet.kind": "类型", "fleet.alerts": "告警动态", "fleet.noAlerts": "暂无告警", "alert.terminal.offline": "离线", "alert.terminal.degraded": "降级",
      "alert.terminal.recovered": "恢复", "fleet.command": "指令", "fleet.noTelemetry": "暂无遥测数据", "fleet.memory": "内存 %", "fleet.disk": "磁盘 %", "fleet.noticeText": "通知内容",
      "command.Notice": "发布通知", "command.Refresh": "刷新内容", "command.Reboot": "重启",
      "commandStatus.Sent": "已发送", "commandStatus.Acknowledged": "已确认", "commandStatus.Failed": "执行失败", "commandStatus.TimedOut": "超时",
      "check.database": "数据库", "check.silos": "集群节点", "check.scheduler": "定时任务", "check.terminals": "智能终端",
      "check.ingest": "数据接入", "check.inspections": "终端巡检", "check.security": "安全预警",
      "patrol.title": "每日巡视", "patrol.run": "立即巡视", "patrol.last": "最近一次", "patrol.none": "尚无巡视报告",
      "patrolStatus.ok": "正常", "patrolStatus.warning": "需关注", "patrolStatus.failed": "故障",
      "health.Online": "在线", "health.Degraded": "降级", "health.Offline": "离线", "health.Maintenance": "维护中", "health.Unknown": "未上线"
    },
    "en": {
      "app.title": "MediaCenter Operations",
      "live.connecting": "Connecting…", "live.connected": "Live", "live.reconnecting": "Reconnecting…", "live.disconnected": "Disconnected",
      "system.title": "System status", "system.updated": "Updated", "system.silos": "Active silos", "system.pulse": "Cluster pulse",
      "system.lastPulse": "Last tick", "system.web": "This web instance", "system.siloName": "Silo", "system.siloAddress": "Address",
      "system.siloStatus": "Status", "system.siloStarted": "Started", "system.loading": "Loading…", "system.none": "No active silo",
      "system.error": "System status could not be read: ", "status.Active": "Active", "lang.switch": "中文",
      "auth.title": "Sign in", "auth.username": "User name", "auth.password": "Password", "auth.submit": "Sign in", "auth.signOut": "Sign out",
      "auth.changeTitle": "Choose a new password", "auth.changeHint": "After the first sign-in or a reset, set your own password first.",
      "auth.currentPassword": "Current password", "auth.newPassword": "New password", "auth.changeSubmit": "Save",
      "nav.system": "System", "nav.audit": "Audit logs", "audit.title": "Audit logs", "audit.export": "Export CSV", "audit.kind": "Log",
      "audit.operations": "Operations", "audit.logins": "Sign-ins", "audit.from": "From", "audit.to": "To", "audit.actor": "Actor",
      "audit.action": "Action", "audit.result": "Result", "audit.any": "Any", "audit.search": "Search", "audit.alerts": "Security alerts",
      "audit.time": "Time", "audit.target": "Target", "audit.noAlerts": "No alerts", "audit.none": "No matching entries",
      "nav.fleet": "Terminals", "fleet.title": "Smart terminal monitoring", "fleet.total": "Terminals", "fleet.health": "Health", "fleet.region": "Region",
      "fleet.search": "Search", "fleet.id": "Terminal", "fleet.name": "Name", "fleet.lastSeen": "Last heartbeat", "fleet.none": "No terminals",
      "fleet.deadline": "Offline at", "fleet.telemetry": "Telemetry", "fleet.degradedBecause": "Degraded because", "fleet.inspectionDue": "Next inspection",
      "fleet.flaps": "Flaps", "fleet.kind": "Kind", "fleet.alerts": "Alert feed", "fleet.noAlerts": "No alerts", "alert.terminal.offline": "offline", "alert.terminal.degraded": "degraded",
      "alert.terminal.recovered": "recovered", "fleet.command": "Command", "fleet.noTelemetry": "No telemetry yet", "fleet.memory": "Memory %", "fleet.disk": "Disk %", "fleet.noticeText": "Notice text",
      "command.Notice": "Show notice", "command.Refresh": "Refresh", "command.Reboot": "Reboot",
      "commandStatus.Sent": "sent", "commandStatus.Acknowledged": "acknowledged", "commandStatus.Failed": "failed", "commandStatus.TimedOut": "timed out",
      "check.database": "Database", "check.silos": "Silos", "check.scheduler": "Scheduler", "check.terminals": "Terminals",
      "check.ingest": "Ingest", "check.inspections": "Inspections", "check.security": "Security",
      "patrol.title": "Daily patrol", "patrol.run": "Run now", "patrol.last": "Last run", "patrol.none": "No patrol report yet",
      "patrolStatus.ok": "OK", "patrolStatus.warning": "needs a look", "patrolStatus.failed": "failed",
      "health.Online": "Online", "health.Degraded": "Degraded", "health.Offline": "Offline", "health.Maintenance": "Maintenance", "health.Unknown": "Never seen"
    }
  };
  // The newsroom (采编): board, pitches, drafting, tasks, channel policy.
  Object.assign(messages["zh-CN"], {
    "nav.newsroom": "采编", "nr.title": "采编看板", "nr.channel": "频道", "nr.board": "看板", "nr.tasks": "我的任务",
    "nr.filePitch": "报题", "nr.settings": "频道设置", "nr.noChannel": "没有可用的频道", "nr.loading": "加载中…",
    "nr.policy": "审核级数 {levels} · 发布终端 {targets}", "nr.suspended": "频道已暂停对外服务：",
    "nr.col.pitched": "报题", "nr.col.confirmed": "选题库", "nr.col.assigned": "已指派", "nr.col.drafting": "写作中",
    "nr.col.review-1": "初审", "nr.col.review-2": "复审", "nr.col.review-3": "终审", "nr.col.pending": "待发布",
    "nr.col.published": "已发布", "nr.col.returned": "已退回", "nr.col.withdrawn": "已撤稿",
    "nr.stage.Pitched": "报题", "nr.stage.PitchReturned": "报题退回", "nr.stage.Confirmed": "选题库", "nr.stage.Assigned": "已指派",
    "nr.stage.Drafting": "写作中", "nr.stage.InReview": "审核中", "nr.stage.Rejected": "审核退回", "nr.stage.Approved": "待发布",
    "nr.stage.Scheduled": "定时发布", "nr.stage.Published": "已发布", "nr.stage.Withdrawn": "已撤稿", "nr.stage.Deleted": "已删除",
    "nr.cmd.File": "报题", "nr.cmd.EditPitch": "修改报题", "nr.cmd.ReturnPitch": "退回报题", "nr.cmd.Refile": "重新报题",
    "nr.cmd.Delete": "删除", "nr.cmd.Confirm": "确认选题", "nr.cmd.Assign": "指派", "nr.cmd.ReportProgress": "报告进度",
    "nr.cmd.SaveDraft": "写稿", "nr.cmd.Submit": "提交审核", "nr.cmd.Approve": "审核通过", "nr.cmd.Reject": "审核退回",
    "nr.cmd.Publish": "发布", "nr.cmd.Schedule": "定时发布", "nr.cmd.CancelSchedule": "取消定时", "nr.cmd.FireSchedule": "定时发布执行",
    "nr.cmd.Withdraw": "撤稿",
    "nr.kind.ImageText": "图文", "nr.kind.Video": "视频", "nr.kind.Interactive": "互动",
    "nr.target.Pc": "PC 网站", "nr.target.Wap": "手机网站", "nr.target.App": "客户端",
    "nr.level.1": "初审", "nr.level.2": "复审", "nr.level.3": "终审",
    "nr.author": "报题人", "nr.assignees": "编辑", "nr.due": "截止", "nr.overdue": "已逾期", "nr.progress": "进度",
    "nr.scheduledAt": "定时", "nr.publishedTo": "发布到", "nr.lastComment": "最近意见", "nr.draftVersion": "稿件版本",
    "nr.reviewAt": "审核进度",
    "nr.pitchTitle": "命题", "nr.angle": "思路", "nr.kind": "稿件类型", "nr.materials": "素材", "nr.note": "文字素材",
    "nr.addNote": "添加文字", "nr.link": "链接地址", "nr.linkText": "链接说明", "nr.addLink": "添加链接", "nr.files": "上传文件",
    "nr.material.Note": "文字", "nr.material.Link": "链接", "nr.material.File": "文件",
    "nr.uploading": "上传中…", "nr.uploaded": "已上传", "nr.remove": "移除", "nr.noMaterials": "还没有素材",
    "nr.submitPitch": "提交报题", "nr.cancel": "取消", "nr.close": "关闭", "nr.back": "返回",
    "nr.reason": "原因（必填）", "nr.comment": "备注（可选）", "nr.assignTo": "指派给编辑", "nr.dueAt": "截止时间",
    "nr.targets": "发布终端", "nr.at": "发布时间", "nr.progressValue": "完成进度（%）", "nr.progressNote": "进展说明",
    "nr.reviewLevels": "审核级数", "nr.levels.1": "一级（初审）", "nr.levels.2": "两级（初审、复审）", "nr.levels.3": "三级（初审、复审、终审）",
    "nr.saveSettings": "保存设置", "nr.settingsSaved": "频道设置已保存",
    "nr.noEditors": "本频道还没有编辑", "nr.currentState": "当前状态：", "nr.allowedMoves": "允许的操作：", "nr.none": "无",
    "nr.detail": "稿件详情", "nr.draft": "稿件", "nr.title.field": "标题", "nr.summary": "摘要", "nr.body": "正文",
    "nr.bold": "加粗", "nr.heading": "小标题", "nr.list": "列表", "nr.addLinkRich": "链接", "nr.linkUrl": "链接地址（https://…）",
    "nr.videoUrl": "视频链接", "nr.media": "视频与附件", "nr.interaction": "互动", "nr.poll": "投票", "nr.qna": "问答",
    "nr.question": "问题", "nr.options": "选项（每行一个）",
    "nr.save": "保存草稿", "nr.saved": "已保存第 {n} 版", "nr.unsaved": "有未保存的修改", "nr.noDraft": "还没有稿件",
    "nr.conflict": "其他人已把稿件保存为第 {n} 版，您的修改基于第 {base} 版。", "nr.reload": "载入最新版本（放弃我的修改）",
    "nr.newerVersion": "其他人刚保存了第 {n} 版。保存前请先载入最新版本。",
    "nr.timeline": "时间线", "nr.versions": "版本", "nr.version": "第 {n} 版", "nr.view": "查看", "nr.noVersions": "还没有保存过的版本",
    "nr.noTasks": "暂无任务", "nr.openTask": "打开", "nr.systemActor": "系统", "nr.empty": "暂无稿件",
    "nr.readOnly": "只读：您不是本稿的编辑，或稿件当前不可修改。"
  });
  Object.assign(messages["en"], {
    "nav.newsroom": "Newsroom", "nr.title": "Newsroom board", "nr.channel": "Channel", "nr.board": "Board", "nr.tasks": "My tasks",
    "nr.filePitch": "File a pitch", "nr.settings": "Channel settings", "nr.noChannel": "No channel available", "nr.loading": "Loading…",
    "nr.policy": "Review levels {levels} · targets {targets}", "nr.suspended": "The channel is suspended: ",
    "nr.col.pitched": "Pitched", "nr.col.confirmed": "Topic library", "nr.col.assigned": "Assigned", "nr.col.drafting": "Drafting",
    "nr.col.review-1": "First review", "nr.col.review-2": "Second review", "nr.col.review-3": "Final review", "nr.col.pending": "To publish",
    "nr.col.published": "Published", "nr.col.returned": "Returned", "nr.col.withdrawn": "Withdrawn",
    "nr.stage.Pitched": "Pitched", "nr.stage.PitchReturned": "Pitch returned", "nr.stage.Confirmed": "Topic library", "nr.stage.Assigned": "Assigned",
    "nr.stage.Drafting": "Drafting", "nr.stage.InReview": "In review", "nr.stage.Rejected": "Rejected", "nr.stage.Approved": "Approved",
    "nr.stage.Scheduled": "Scheduled", "nr.stage.Published": "Published", "nr.stage.Withdrawn": "Withdrawn", "nr.stage.Deleted": "Deleted",
    "nr.cmd.File": "File", "nr.cmd.EditPitch": "Edit pitch", "nr.cmd.ReturnPitch": "Return pitch", "nr.cmd.Refile": "Refile",
    "nr.cmd.Delete": "Delete", "nr.cmd.Confirm": "Confirm", "nr.cmd.Assign": "Assign", "nr.cmd.ReportProgress": "Report progress",
    "nr.cmd.SaveDraft": "Write", "nr.cmd.Submit": "Submit for review", "nr.cmd.Approve": "Approve", "nr.cmd.Reject": "Reject",
    "nr.cmd.Publish": "Publish", "nr.cmd.Schedule": "Schedule", "nr.cmd.CancelSchedule": "Cancel schedule", "nr.cmd.FireSchedule": "Scheduled publish",
    "nr.cmd.Withdraw": "Withdraw",
    "nr.kind.ImageText": "Image & text", "nr.kind.Video": "Video", "nr.kind.Interactive": "Interactive",
    "nr.target.Pc": "PC web", "nr.target.Wap": "Mobile web", "nr.target.App": "App",
    "nr.level.1": "First review", "nr.level.2": "Second review", "nr.level.3": "Final review",
    "nr.author": "Pitched by", "nr.assignees": "Editors", "nr.due": "Due", "nr.overdue": "Overdue", "nr.progress": "Progress",
    "nr.scheduledAt": "Scheduled", "nr.publishedTo": "Published to", "nr.lastComment": "Last comment", "nr.draftVersion": "Draft version",
    "nr.reviewAt": "Review",
    "nr.pitchTitle": "Title", "nr.angle": "Angle", "nr.kind": "Kind of story", "nr.materials": "Materials", "nr.note": "Note",
    "nr.addNote": "Add note", "nr.link": "Link address", "nr.linkText": "Link description", "nr.addLink": "Add link", "nr.files": "Upload files",
    "nr.material.Note": "Note", "nr.material.Link": "Link", "nr.material.File": "File",
    "nr.uploading": "Uploading…", "nr.uploaded": "uploaded", "nr.remove": "Remove", "nr.noMaterials": "No materials yet",
    "nr.submitPitch": "File the pitch", "nr.cancel": "Cancel", "nr.close": "Close", "nr.back": "Back",
    "nr.reason": "Reason (required)", "nr.comment": "Comment (optional)", "nr.assignTo": "Assign to editors", "nr.dueAt": "Due",
    "nr.targets": "Targets", "nr.at": "Publish at", "nr.progressValue": "Progress (%)", "nr.progressNote": "Progress note",
    "nr.reviewLevels": "Review levels", "nr.levels.1": "One (first review)", "nr.levels.2": "Two (first, second)", "nr.levels.3": "Three (first, second, final)",
    "nr.saveSettings": "Save settings", "nr.settingsSaved": "Channel settings saved",
    "nr.noEditors": "This channel has no editors yet", "nr.currentState": "Current state: ", "nr.allowedMoves": "Allowed: ", "nr.none": "none",
    "nr.detail": "Story", "nr.draft": "Draft", "nr.title.field": "Headline", "nr.summary": "Summary", "nr.body": "Body",
    "nr.bold": "Bold", "nr.heading": "Heading", "nr.list": "List", "nr.addLinkRich": "Link", "nr.linkUrl": "Link address (https://…)",
    "nr.videoUrl": "Video link", "nr.media": "Video and attachments", "nr.interaction": "Interaction", "nr.poll": "Poll", "nr.qna": "Q&A",
    "nr.question": "Question", "nr.options": "Options (one per line)",
    "nr.save": "Save draft", "nr.saved": "Saved as version {n}", "nr.unsaved": "Unsaved changes", "nr.noDraft": "No draft yet",
    "nr.conflict": "Someone else saved version {n}; your changes are based on version {base}.", "nr.reload": "Load the latest version (discard mine)",
    "nr.newerVersion": "Someone just saved version {n}. Load it before saving.",
    "nr.timeline": "Timeline", "nr.versions": "Versions", "nr.version": "Version {n}", "nr.view": "View", "nr.noVersions": "No saved versions yet",
    "nr.noTasks": "No tasks", "nr.openTask": "Open", "nr.systemActor": "System", "nr.empty": "No stories",
    "nr.readOnly": "Read only: you are not an editor of this story, or it cannot be changed now."
  });

  const stored = localStorage.getItem("mc.lang");
  let lang = stored && messages[stored] ? stored : "zh-CN";

  function t(key) { return (messages[lang] && messages[lang][key]) || messages["zh-CN"][key] || key; }
  function apply() {
    document.documentElement.lang = lang;
    document.querySelectorAll("[data-i18n]").forEach(el => { el.textContent = t(el.dataset.i18n); });
    const button = document.getElementById("lang-switch");
    if (button) { button.textContent = t("lang.switch"); }
    document.dispatchEvent(new CustomEvent("mc:language", { detail: lang }));
  }
  function setLanguage(next) { lang = messages[next] ? next : "zh-CN"; localStorage.setItem("mc.lang", lang); apply(); }
  function formatTime(value) {
    if (!value) { return "—"; }
    return new Date(value).toLocaleString(lang === "en" ? "en-GB" : "zh-CN", { hourCycle: "h23" });
  }

  window.mcI18n = { t, apply, setLanguage, formatTime, get lang() { return lang; } };
  document.addEventListener("DOMContentLoaded", () => {
    document.getElementById("lang-switch")?.addEventListener("click", () => setLanguage(lang === "zh-CN" ? "en" : "zh-CN"));
    apply();
  });
})();
