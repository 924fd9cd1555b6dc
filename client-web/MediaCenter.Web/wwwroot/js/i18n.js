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
      "check.web": "网站实例", "check.gateways": "设备网关", "check.publishing": "发布", "check.feeds": "稿件接口", "check.webhooks": "Webhook 投递",
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
      "check.web": "Web instances", "check.gateways": "Devices gateways", "check.publishing": "Publishing", "check.feeds": "Feeds", "check.webhooks": "Webhook deliveries",
      "patrol.title": "Daily patrol", "patrol.run": "Run now", "patrol.last": "Last run", "patrol.none": "No patrol report yet",
      "patrolStatus.ok": "OK", "patrolStatus.warning": "needs a look", "patrolStatus.failed": "failed",
      "health.Online": "Online", "health.Degraded": "Degraded", "health.Offline": "Offline", "health.Maintenance": "Maintenance", "health.Unknown": "Never seen"
    }
  };
  // The cockpit (运营总览): today's figures across the newsroom, the fleet, incidents and hot events.
  Object.assign(messages["zh-CN"], {
    "nav.cockpit": "运营总览", "ck.title": "运营总览", "ck.indicators": "本月指标", "ck.moreChannels": "另有 {n} 个频道", "ck.noIndicators": "没有生效的指标", "ck.indicatorLine": "达标 {met} · 未达标 {missed}", "ck.month": "{month} 月", "ck.rectifications": "整改进行中 {open}（逾期 {overdue}）", "ind.comparison": "比较", "tk.source": "来源渠道", "tk.priority": "优先级", "lang.switchTitle": "切换语言", "ck.wall": "大屏模式", "ck.stale": "连接中断，显示的是 {at} 的数据，正在重新连接…", "ck.updated": "更新于", "ck.newsroom": "今日采编", "ck.channel": "频道",
    "ck.inWork": "在编", "ck.inReview": "待审", "ck.overdue": "超期", "ck.publishedToday": "今日发布", "ck.noChannels": "没有频道",
    "ck.fleet": "终端健康", "ck.worstRegions": "问题最多的区域", "ck.noRegionIssues": "各区域终端均正常", "ck.regionLine": "{region}：离线 {offline} · 降级 {degraded} / 共 {total}",
    "ck.incidents": "未关闭故障", "ck.open": "未关闭", "ck.unacknowledged": "待确认", "ck.nextEscalation": "最近升级倒计时", "ck.noEscalation": "没有等待确认的故障",
    "ck.hot": "进行中的热点事件", "ck.noHot": "当前没有热点事件", "ck.traffic": "每分钟 {m} 次请求", "ck.until": "至",
    "ck.patrol": "今日巡视", "ck.patrolNone": "今天还没有巡视报告", "ck.error": "无法读取总览："
  });
  Object.assign(messages.en, {
    "nav.cockpit": "Overview", "ck.title": "Operations overview", "ck.indicators": "Indicators this month", "ck.moreChannels": "{n} more channels", "ck.noIndicators": "No indicator in force", "ck.indicatorLine": "met {met} · missed {missed}", "ck.month": "month {month}", "ck.rectifications": "rectifications under way {open} ({overdue} overdue)", "ind.comparison": "Comparison", "tk.source": "Channel", "tk.priority": "Priority", "lang.switchTitle": "Switch language", "ck.wall": "Wall display", "ck.stale": "Connection lost: figures as of {at}; reconnecting…", "ck.updated": "Updated", "ck.newsroom": "Newsroom today", "ck.channel": "Channel",
    "ck.inWork": "In work", "ck.inReview": "In review", "ck.overdue": "Overdue", "ck.publishedToday": "Published today", "ck.noChannels": "No channels",
    "ck.fleet": "Terminal health", "ck.worstRegions": "Regions worst off", "ck.noRegionIssues": "Every region's terminals are fine", "ck.regionLine": "{region}: {offline} offline · {degraded} degraded / {total}",
    "ck.incidents": "Open incidents", "ck.open": "Open", "ck.unacknowledged": "Unacknowledged", "ck.nextEscalation": "Next escalation in", "ck.noEscalation": "Nothing waits for acknowledgement",
    "ck.hot": "Hot events in progress", "ck.noHot": "No hot event right now", "ck.traffic": "{m} requests a minute", "ck.until": "until",
    "ck.patrol": "Today's patrol", "ck.patrolNone": "No patrol report today yet", "ck.error": "Could not read the overview: "
  });
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

  // Incidents (故障处理) and the alert centre (告警中心).
  Object.assign(messages["zh-CN"], {
    "nav.incidents": "故障处理", "inc.title": "故障处理", "inc.stageFilter": "阶段", "inc.all": "全部", "inc.open": "未关闭",
    "inc.report": "上报故障", "inc.loading": "加载中…", "inc.none": "没有符合条件的故障", "inc.platform": "平台",
    "inc.stage.Reported": "待确认", "inc.stage.Acknowledged": "已确认", "inc.stage.ServiceSuspended": "暂停服务中", "inc.stage.Mitigated": "已缓解",
    "inc.stage.Resolved": "已解决", "inc.stage.RootCauseRecorded": "已记录原因", "inc.stage.FeedbackSent": "已反馈", "inc.stage.Closed": "已关闭",
    "inc.cmd.Report": "上报", "inc.cmd.Acknowledge": "确认接单", "inc.cmd.Escalate": "升级", "inc.cmd.SuspendService": "暂停对外服务",
    "inc.cmd.ResumeService": "验证后恢复服务", "inc.cmd.Mitigate": "标记已缓解", "inc.cmd.Resolve": "解决", "inc.cmd.RecordRootCause": "记录原因",
    "inc.cmd.UpdateAction": "整改措施", "inc.cmd.SendFeedback": "发送反馈", "inc.cmd.ReadFeedback": "已阅", "inc.cmd.Close": "关闭故障",
    "inc.cmd.Reopen": "重新打开", "inc.cmd.SetSeverity": "调整级别", "inc.cmd.CitePlan": "引用预案", "inc.cmd.Comment": "备注",
    "inc.cmd.JoinGroup": "成员加入", "inc.cmd.MemberRecovered": "成员恢复", "inc.cmd.GroupUpdate": "通知更新", "inc.cmd.Clear": "告警恢复",
    "inc.group.members": "成员", "inc.group.active": "仍告警", "inc.group.recovered": "已恢复", "inc.group.since": "开始",
    "inc.group.proposed": "全部成员已恢复，建议解决", "inc.group.more": "另有 {n} 台未列出",
    "inc.sev.P1": "特急：对外服务中断或错误信息公开", "inc.sev.P2": "紧急：严重受损", "inc.sev.P3": "一般：部分受损", "inc.sev.P4": "提示",
    "inc.source.Terminal": "终端", "inc.source.Publishing": "发布", "inc.source.Application": "应用", "inc.source.Metric": "指标",
    "inc.source.Staff": "运营方上报", "inc.source.AccessParty": "接入方上报",
    "inc.audience.1": "值班运维", "inc.audience.2": "运维负责人", "inc.audience.3": "管理方",
    "inc.level": "第 {n} 级", "inc.escalationLevel": "升级级别", "inc.escalatesIn": "升级倒计时", "inc.escalatingNow": "即将升级",
    "inc.occurrences": "发生次数", "inc.lastOccurrence": "最近", "inc.suspendedShort": "服务暂停中",
    "inc.reportedAt": "上报", "inc.acknowledgedAt": "确认", "inc.resolvedAt": "解决", "inc.closedAt": "关闭",
    "inc.id": "编号", "inc.sourceLabel": "来源", "inc.party": "接入方", "inc.channel": "频道", "inc.subject": "对象",
    "inc.suspendedChannel": "暂停服务的频道", "inc.plan": "预案", "inc.detail": "故障详情", "inc.back": "返回", "inc.close": "关闭",
    "inc.currentState": "当前状态：", "inc.allowedMoves": "允许的操作：",
    "inc.hint.resumeFirst": "频道 {channel} 仍暂停服务：验证后先恢复服务，才能标记解决。", "inc.hint.actionsOpen": "整改措施全部完成后才能关闭。",
    "inc.rootCause": "原因分析", "inc.technical": "技术原因", "inc.management": "管理原因", "inc.actions": "整改措施", "inc.noActions": "暂无整改措施",
    "inc.owner": "负责人", "inc.due": "完成期限", "inc.doneAt": "已完成于", "inc.markDone": "完成", "inc.addAction": "添加整改措施",
    "inc.newAction": "新的整改措施", "inc.firstAction": "整改措施（可选）", "inc.actionDescription": "措施内容",
    "inc.actionIncomplete": "整改措施需要内容、负责人和完成期限", 
    "inc.feedback": "处理反馈", "inc.receipts": "阅读回执", "inc.noReceipts": "尚无人阅读", "inc.readCount": "{n} 人已阅", "inc.readByMe": "您已阅读此反馈",
    "inc.timeline": "处理记录", "inc.system": "系统",
    "inc.suspendChannel": "暂停的频道", "inc.noChannels": "受影响的接入方没有频道", "inc.suspendHint": "暂停后该频道停止发布，对外接口返回 503，直到验证后恢复。",
    "inc.reason": "原因（必填）", "inc.resumeHint": "恢复频道 {channel} 的对外服务前，请写明验证的结果。", "inc.verification": "验证说明（必填）",
    "inc.mitigation": "缓解措施（可选）", "inc.resolution": "解决说明（可选）", "inc.comment": "说明（可选）", "inc.reopenReason": "重新打开的原因（必填）",
    "inc.commentText": "备注内容", "inc.feedbackHint": "反馈将发送给受影响的接入方和管理方，对方可确认已阅。", "inc.feedbackText": "反馈内容（必填）",
    "inc.severity": "级别", "inc.noPlans": "没有可引用的生效预案", "inc.cancel": "取消",
    "inc.titleField": "标题", "inc.detailField": "详细情况", "inc.channelOptional": "频道（可选）", "inc.noChannel": "— 不指定 —", "inc.submitReport": "提交上报",
    "inc.stats": "月度统计（MTTA / MTTR）", "inc.month": "月份", "inc.reportedCount": "上报", "inc.acknowledgedCount": "已确认", "inc.resolvedCount": "已解决",
    "inc.mtta": "平均确认用时", "inc.mttr": "平均解决用时", "inc.noStats": "暂无统计", "inc.minutes": "{n} 分钟", "inc.hours": "{h} 小时 {m} 分",
    "inc.minutesAxis": "分钟",
    "bell.title": "告警中心", "bell.label": "告警中心：{n} 条未读", "bell.readAll": "全部已读", "bell.markRead": "标为已读", "bell.none": "暂无通知",
    "bell.kind.incident.reported": "新故障", "bell.kind.incident.escalated": "已升级", "bell.kind.incident.suspended": "暂停服务",
    "bell.kind.incident.resumed": "恢复服务", "bell.kind.incident.resolved": "已解决", "bell.kind.incident.feedback": "处理反馈",
    "bell.kind.incident.reopened": "重新打开"
  });
  Object.assign(messages["en"], {
    "nav.incidents": "Incidents", "inc.title": "Incidents", "inc.stageFilter": "Stage", "inc.all": "All", "inc.open": "Not closed",
    "inc.report": "Report an incident", "inc.loading": "Loading…", "inc.none": "No matching incidents", "inc.platform": "Platform",
    "inc.stage.Reported": "Reported", "inc.stage.Acknowledged": "Acknowledged", "inc.stage.ServiceSuspended": "Service suspended", "inc.stage.Mitigated": "Mitigated",
    "inc.stage.Resolved": "Resolved", "inc.stage.RootCauseRecorded": "Root cause recorded", "inc.stage.FeedbackSent": "Feedback sent", "inc.stage.Closed": "Closed",
    "inc.cmd.Report": "Report", "inc.cmd.Acknowledge": "Acknowledge", "inc.cmd.Escalate": "Escalate", "inc.cmd.SuspendService": "Suspend service",
    "inc.cmd.ResumeService": "Resume service", "inc.cmd.Mitigate": "Mitigated", "inc.cmd.Resolve": "Resolve", "inc.cmd.RecordRootCause": "Record root cause",
    "inc.cmd.UpdateAction": "Corrective action", "inc.cmd.SendFeedback": "Send feedback", "inc.cmd.ReadFeedback": "Mark as read", "inc.cmd.Close": "Close incident",
    "inc.cmd.Reopen": "Reopen", "inc.cmd.SetSeverity": "Set severity", "inc.cmd.CitePlan": "Cite plan", "inc.cmd.Comment": "Comment",
    "inc.cmd.JoinGroup": "Member joined", "inc.cmd.MemberRecovered": "Member back", "inc.cmd.GroupUpdate": "Update sent", "inc.cmd.Clear": "Alert cleared",
    "inc.group.members": "Members", "inc.group.active": "still out", "inc.group.recovered": "back", "inc.group.since": "since",
    "inc.group.proposed": "Every member is back: resolution proposed", "inc.group.more": "{n} more not listed",
    "inc.sev.P1": "Critical: service down or wrong information public", "inc.sev.P2": "Major impairment", "inc.sev.P3": "Minor impairment", "inc.sev.P4": "Informational",
    "inc.source.Terminal": "Terminal", "inc.source.Publishing": "Publishing", "inc.source.Application": "Application", "inc.source.Metric": "Metric",
    "inc.source.Staff": "Reported by staff", "inc.source.AccessParty": "Reported by the party",
    "inc.audience.1": "operators on duty", "inc.audience.2": "platform administrators", "inc.audience.3": "management",
    "inc.level": "Level {n}", "inc.escalationLevel": "Escalation", "inc.escalatesIn": "Escalates in", "inc.escalatingNow": "escalating",
    "inc.occurrences": "Occurrences", "inc.lastOccurrence": "last", "inc.suspendedShort": "Service suspended",
    "inc.reportedAt": "Reported", "inc.acknowledgedAt": "Acknowledged", "inc.resolvedAt": "Resolved", "inc.closedAt": "Closed",
    "inc.id": "Id", "inc.sourceLabel": "Source", "inc.party": "Access party", "inc.channel": "Channel", "inc.subject": "Subject",
    "inc.suspendedChannel": "Suspended channel", "inc.plan": "Plan", "inc.detail": "Incident", "inc.back": "Back", "inc.close": "Close",
    "inc.currentState": "Current state: ", "inc.allowedMoves": "Allowed: ",
    "inc.hint.resumeFirst": "Channel {channel} is still suspended: resume it after verification before resolving.", "inc.hint.actionsOpen": "Close once every corrective action is done.",
    "inc.rootCause": "Root cause", "inc.technical": "Technical cause", "inc.management": "Management cause", "inc.actions": "Corrective actions", "inc.noActions": "No corrective actions yet",
    "inc.owner": "Owner", "inc.due": "Due", "inc.doneAt": "Done", "inc.markDone": "Done", "inc.addAction": "Add a corrective action",
    "inc.newAction": "New corrective action", "inc.firstAction": "Corrective action (optional)", "inc.actionDescription": "Action",
    "inc.actionIncomplete": "A corrective action needs a description, an owner and a due date",
    "inc.feedback": "Feedback", "inc.receipts": "Read receipts", "inc.noReceipts": "Nobody has read it yet", "inc.readCount": "read by {n}", "inc.readByMe": "You have read this feedback",
    "inc.timeline": "Timeline", "inc.system": "System",
    "inc.suspendChannel": "Channel to suspend", "inc.noChannels": "The affected party has no channel", "inc.suspendHint": "The channel stops publishing and its feeds answer 503 until it is resumed after verification.",
    "inc.reason": "Reason (required)", "inc.resumeHint": "Before channel {channel} serves again, write down what was verified.", "inc.verification": "Verification (required)",
    "inc.mitigation": "Mitigation (optional)", "inc.resolution": "Resolution (optional)", "inc.comment": "Note (optional)", "inc.reopenReason": "Why reopen (required)",
    "inc.commentText": "Comment", "inc.feedbackHint": "The feedback goes to the affected access party and management, who confirm reading it.", "inc.feedbackText": "Feedback (required)",
    "inc.severity": "Severity", "inc.noPlans": "No effective plan to cite", "inc.cancel": "Cancel",
    "inc.titleField": "Title", "inc.detailField": "What happened", "inc.channelOptional": "Channel (optional)", "inc.noChannel": "— none —", "inc.submitReport": "Report",
    "inc.stats": "Monthly figures (MTTA / MTTR)", "inc.month": "Month", "inc.reportedCount": "Reported", "inc.acknowledgedCount": "Acknowledged", "inc.resolvedCount": "Resolved",
    "inc.mtta": "Mean time to acknowledge", "inc.mttr": "Mean time to resolve", "inc.noStats": "No figures yet", "inc.minutes": "{n} min", "inc.hours": "{h} h {m} min",
    "inc.minutesAxis": "minutes",
    "bell.title": "Alert centre", "bell.label": "Alert centre: {n} unread", "bell.readAll": "Mark all read", "bell.markRead": "Mark read", "bell.none": "No notifications",
    "bell.kind.incident.reported": "New incident", "bell.kind.incident.escalated": "Escalated", "bell.kind.incident.suspended": "Service suspended",
    "bell.kind.incident.resumed": "Service resumed", "bell.kind.incident.resolved": "Resolved", "bell.kind.incident.feedback": "Feedback",
    "bell.kind.incident.reopened": "Reopened"
  });

  // Operations (运营): hot events, campaigns, emergency plans and drills.
  Object.assign(messages["zh-CN"], {
    "nav.ops": "运营", "ops.title": "运营", "ops.hot": "热点事件", "ops.campaigns": "推广活动", "ops.plans": "应急预案", "ops.loading": "加载中…", "ops.addRow": "添加一行",
    "ops.remove": "删除", "ops.back": "返回", "ops.close": "关闭", "ops.cancel": "取消", "ops.confirm": "确定", "ops.reason": "原因（必填）",
    "ops.currentState": "当前状态：", "ops.party": "接入方", "ops.timeline": "时间线", "hot.hint": "接入方预先登记重大发布，运营人员确认后，时间窗口内平台自动进入热点事件模式。",
    "hot.register": "登记热点事件", "hot.bannerLabel": "热点事件模式", "hot.until": "持续至", "hot.expected": "预计流量 ×{n}", "hot.traffic": "实时流量 {s} 次/秒 · {m} 次/分钟",
    "hot.trafficLoading": "实时流量读取中…", "hot.none": "暂无热点事件", "hot.window": "时间窗口", "hot.qaCount": "应答口径 {n} 条", "hot.ackBy": "确认人",
    "hot.viewScript": "查看口径", "hot.detail": "热点事件", "hot.multiple": "预计流量倍数", "hot.registeredBy": "登记人", "hot.policy": "政策内容", "hot.script": "应答口径",
    "hot.q": "问：", "hot.a": "答：", "hot.title": "标题", "hot.startsAt": "开始时间", "hot.endsAt": "结束时间", "hot.channels": "受影响频道", "hot.question": "问题",
    "hot.answer": "答案", "hot.addQa": "添加问答", "hot.state.Registered": "已登记", "hot.state.Acknowledged": "已确认", "hot.state.Active": "进行中",
    "hot.state.Ended": "已结束", "hot.state.Cancelled": "已取消", "hot.state.Expired": "已过期", "hot.cmd.Register": "登记", "hot.cmd.Edit": "修改",
    "hot.cmd.UpdateScript": "更新口径", "hot.cmd.Acknowledge": "确认", "hot.cmd.Cancel": "取消事件", "hot.cmd.Expire": "过期", "hot.cmd.Start": "开始",
    "hot.cmd.End": "结束", "hot.cmd.Stop": "提前结束", "camp.register": "登记推广活动", "camp.none": "该时间段内没有推广活动", "camp.dates": "活动日期", "camp.support": "支持",
    "camp.decline": "不支持", "camp.note": "说明（可选）", "camp.title": "活动名称", "camp.kindLabel": "类型", "camp.startsOn": "开始日期", "camp.endsOn": "结束日期",
    "camp.description": "活动说明", "camp.kind.Holiday": "节日", "camp.kind.Topical": "专题", "camp.support.Pending": "待定", "camp.support.Supported": "已支持",
    "camp.support.Declined": "不支持", "plan.hint": "预案经管理方批准后生效；修改已生效的预案会产生新版本，批准前原版本继续有效。", "plan.create": "新建预案", "plan.none": "暂无应急预案",
    "plan.detail": "应急预案", "plan.edit": "编辑预案", "plan.title": "预案名称", "plan.scenario": "适用场景", "plan.saveDraft": "保存草稿",
    "plan.effectiveV": "生效版本 v{v}", "plan.notEffective": "未生效", "plan.updated": "更新于", "plan.latest": "最新版本", "plan.revision": "修订号",
    "plan.versions": "版本历史", "plan.viewVersion": "查看该版本", "plan.drafted": "起草", "plan.submitted": "提交", "plan.approved": "批准", "plan.returned": "退回",
    "plan.superseded": "被取代", "plan.empty": "（未填写）", "plan.state.Draft": "草稿", "plan.state.Submitted": "待审批", "plan.state.Approved": "已批准",
    "plan.state.Superseded": "已被取代", "plan.cmd.Create": "新建", "plan.cmd.SaveDraft": "编辑草稿", "plan.cmd.Submit": "提交审批", "plan.cmd.Approve": "批准",
    "plan.cmd.Return": "退回", "plan.section.organisation": "组织与职责", "plan.section.resources": "资源保障", "plan.section.risks": "风险识别与评估",
    "plan.section.prevention": "预防措施", "plan.section.responseSteps": "应急处置", "plan.section.fallback": "兜底安排", "plan.f.role": "角色",
    "plan.f.person": "负责人", "plan.f.duties": "职责", "plan.f.contact": "联系方式", "plan.f.name": "名称", "plan.f.kind": "类别", "plan.f.quantity": "数量",
    "plan.f.location": "存放地点", "plan.f.custodian": "保管人", "plan.f.description": "描述", "plan.f.likelihood": "可能性（1–5）", "plan.f.impact": "影响（1–5）",
    "plan.f.mitigation": "应对措施", "plan.f.score": "风险值", "plan.f.level": "等级", "plan.f.measure": "措施", "plan.f.owner": "负责人", "plan.f.frequency": "频次",
    "plan.f.order": "序号", "plan.f.action": "处置动作", "plan.f.timeLimitMinutes": "时限（分钟）", "plan.f.arrangement": "兜底安排", "plan.f.trigger": "触发条件", "plan.level.Low": "低", "plan.level.Medium": "中", "plan.level.High": "高",
    "drill.title": "演练", "drill.schedule": "安排演练", "drill.none": "尚无演练", "drill.scenario": "演练场景", "drill.scheduledAt": "计划时间",
    "drill.recordedBy": "记录人", "drill.period": "实施时间", "drill.participants": "参与人员", "drill.findings": "发现的问题", "drill.followUps": "后续整改",
    "drill.record": "记录演练", "drill.cancel": "取消演练", "drill.name": "姓名", "drill.role": "角色", "drill.organisation": "单位", "drill.finding": "问题",
    "drill.action": "整改事项", "drill.owner": "负责人", "drill.dueOn": "完成期限", "drill.startedAt": "开始时间", "drill.endedAt": "结束时间", "drill.summary": "总结",
    "drill.state.Scheduled": "计划中", "drill.state.Completed": "已完成", "drill.state.Cancelled": "已取消",
    "plan.f.drillEveryDays": "演练周期（天）", "plan.drillEvery": "每 {n} 天演练一次", "plan.drillNone": "未设演练周期", "plan.drillLast": "上次演练",
    "plan.drillDue": "下次应于", "plan.drillOverdue": "演练逾期", "plan.drillNever": "尚未演练", "drill.overdue": "已过计划时间未演练",
    "camp.edit": "修改", "camp.editTitle": "修改推广活动", "camp.withdraw": "撤回", "camp.state.Withdrawn": "已撤回"
  });
  Object.assign(messages["en"], {
    "nav.ops": "Operations", "ops.title": "Operations", "ops.hot": "Hot events", "ops.campaigns": "Campaigns", "ops.plans": "Emergency plans",
    "ops.loading": "Loading…", "ops.addRow": "Add a row", "ops.remove": "Remove", "ops.back": "Back", "ops.close": "Close", "ops.cancel": "Cancel",
    "ops.confirm": "Confirm", "ops.reason": "Reason (required)", "ops.currentState": "Current state: ", "ops.party": "Access party",
    "ops.timeline": "Timeline",
    "hot.hint": "Access parties register major releases ahead; once an operator acknowledges one, the platform enters hot-event mode during its window.",
    "hot.register": "Register a hot event", "hot.bannerLabel": "Hot-event mode", "hot.until": "until", "hot.expected": "expected traffic ×{n}",
    "hot.traffic": "live traffic {s}/s · {m}/min", "hot.trafficLoading": "reading live traffic…", "hot.none": "No hot events", "hot.window": "Window",
    "hot.qaCount": "{n} Q&A pairs", "hot.ackBy": "acknowledged by", "hot.viewScript": "Q&A script", "hot.detail": "Hot event",
    "hot.multiple": "Expected traffic multiple", "hot.registeredBy": "Registered by", "hot.policy": "Policy", "hot.script": "Q&A script",
    "hot.q": "Q:", "hot.a": "A:", "hot.title": "Title", "hot.startsAt": "Starts", "hot.endsAt": "Ends", "hot.channels": "Affected channels",
    "hot.question": "Question", "hot.answer": "Answer", "hot.addQa": "Add a Q&A pair", "hot.state.Registered": "Registered",
    "hot.state.Acknowledged": "Acknowledged", "hot.state.Active": "Active", "hot.state.Ended": "Ended", "hot.state.Cancelled": "Cancelled",
    "hot.state.Expired": "Expired", "hot.cmd.Register": "Register", "hot.cmd.Edit": "Edit", "hot.cmd.UpdateScript": "Update script",
    "hot.cmd.Acknowledge": "Acknowledge", "hot.cmd.Cancel": "Cancel event", "hot.cmd.Expire": "Expire", "hot.cmd.Start": "Start", "hot.cmd.End": "End",
    "hot.cmd.Stop": "Stop early", "camp.register": "Register a campaign", "camp.none": "No campaigns in this period", "camp.dates": "Dates",
    "camp.support": "Support", "camp.decline": "Decline", "camp.note": "Note (optional)", "camp.title": "Title", "camp.kindLabel": "Kind",
    "camp.startsOn": "Starts on", "camp.endsOn": "Ends on", "camp.description": "Description", "camp.kind.Holiday": "Holiday",
    "camp.kind.Topical": "Topical", "camp.support.Pending": "Pending", "camp.support.Supported": "Supported", "camp.support.Declined": "Declined",
    "plan.hint": "A plan is in force only once management approves it; editing an approved plan makes a new version, and the approved one stays in force until the new one is approved.",
    "plan.create": "New plan", "plan.none": "No emergency plans", "plan.detail": "Emergency plan", "plan.edit": "Edit plan", "plan.title": "Title",
    "plan.scenario": "Scenario", "plan.saveDraft": "Save draft", "plan.effectiveV": "In force: v{v}", "plan.notEffective": "Not in force",
    "plan.updated": "Updated", "plan.latest": "Latest version", "plan.revision": "revision", "plan.versions": "Version history",
    "plan.viewVersion": "View this version", "plan.drafted": "Drafted by", "plan.submitted": "submitted by", "plan.approved": "approved by",
    "plan.returned": "returned by", "plan.superseded": "superseded", "plan.empty": "(empty)", "plan.state.Draft": "Draft",
    "plan.state.Submitted": "Submitted", "plan.state.Approved": "Approved", "plan.state.Superseded": "Superseded", "plan.cmd.Create": "Create",
    "plan.cmd.SaveDraft": "Edit draft", "plan.cmd.Submit": "Submit for approval", "plan.cmd.Approve": "Approve", "plan.cmd.Return": "Return",
    "plan.section.organisation": "Organisation and duties", "plan.section.resources": "Resources", "plan.section.risks": "Risks",
    "plan.section.prevention": "Prevention", "plan.section.responseSteps": "Response steps", "plan.section.fallback": "Fallback",
    "plan.f.role": "Role", "plan.f.person": "Person", "plan.f.duties": "Duties", "plan.f.contact": "Contact", "plan.f.name": "Name",
    "plan.f.kind": "Kind", "plan.f.quantity": "Quantity", "plan.f.location": "Location", "plan.f.custodian": "Custodian",
    "plan.f.description": "Description", "plan.f.likelihood": "Likelihood (1–5)", "plan.f.impact": "Impact (1–5)", "plan.f.mitigation": "Mitigation",
    "plan.f.score": "Score", "plan.f.level": "Level", "plan.f.measure": "Measure", "plan.f.owner": "Owner", "plan.f.frequency": "Frequency",
    "plan.f.order": "No.", "plan.f.action": "Action", "plan.f.timeLimitMinutes": "Time limit (min)", "plan.f.arrangement": "Arrangement",
    "plan.f.trigger": "Trigger", "plan.level.Low": "Low", "plan.level.Medium": "Medium", "plan.level.High": "High", "drill.title": "Drills", "drill.schedule": "Schedule a drill", "drill.none": "No drills yet",
    "drill.scenario": "Scenario", "drill.scheduledAt": "Scheduled for", "drill.recordedBy": "recorded by", "drill.period": "Run",
    "drill.participants": "Participants", "drill.findings": "Findings", "drill.followUps": "Follow-ups", "drill.record": "Record the drill",
    "drill.cancel": "Cancel the drill", "drill.name": "Name", "drill.role": "Role", "drill.organisation": "Organisation", "drill.finding": "Finding",
    "drill.action": "Action", "drill.owner": "Owner", "drill.dueOn": "Due", "drill.startedAt": "Started", "drill.endedAt": "Ended",
    "drill.summary": "Summary", "drill.state.Scheduled": "Scheduled", "drill.state.Completed": "Completed", "drill.state.Cancelled": "Cancelled",
    "plan.f.drillEveryDays": "Drill every (days)", "plan.drillEvery": "A drill every {n} days", "plan.drillNone": "No drill cadence", "plan.drillLast": "last drill",
    "plan.drillDue": "next due", "plan.drillOverdue": "Drill overdue", "plan.drillNever": "never drilled", "drill.overdue": "Past its time, not held",
    "camp.edit": "Edit", "camp.editTitle": "Edit the campaign", "camp.withdraw": "Withdraw", "camp.state.Withdrawn": "Withdrawn"
  });
  // People (人员管理, F8.1): staff records, the certified share, expiring certificates, entry conditions (js/people.js).
  Object.assign(messages["zh-CN"], {
    "nav.people": "人员", "people.title": "人员管理", "people.organisation": "机构", "people.ratio": "持证上岗比例（不低于 50%）",
    "people.meets": "符合要求", "people.below": "低于 50%", "people.forecastLabel": "证书到期预测",
    "people.forecast": "{day} 起将低于 50%（届时持证 {n}/{total}）", "people.noForecast": "未来 {days} 天内不会低于 50%",
    "people.expiring": "即将到期的证书", "people.noExpiring": "未来 {days} 天内没有到期的证书", "people.breaches": "不符合任职条件的人员",
    "people.noBreaches": "全部人员符合任职条件", "people.list": "人员名单", "people.empty": "尚无人员档案", "people.register": "登记人员",
    "people.name": "姓名", "people.post": "岗位", "people.education": "学历", "people.years": "相关经验（年）", "people.skills": "技能（逗号分隔）",
    "people.nationalId": "身份证号", "people.phone": "电话", "people.state": "状态", "people.certificates": "证书", "people.none": "无",
    "people.save": "保存", "people.addCertificate": "记录证书", "people.recordCertificate": "保存证书", "people.certType": "证书类型",
    "people.certNumber": "证书编号", "people.certIssuer": "发证机关", "people.validFrom": "生效日期", "people.validTo": "有效期至",
    "people.daysLeft": "剩余天数", "people.rule": "不符合的条件",
    "people.post.Manager": "管理人员", "people.post.Staff": "工作人员", "people.post.ServicePost": "服务岗位",
    "people.edu.Secondary": "高中及以下", "people.edu.JuniorCollege": "大专", "people.edu.Bachelor": "本科", "people.edu.Master": "硕士",
    "people.edu.Doctorate": "博士", "people.state.Active": "在岗", "people.state.Left": "离岗",
    "people.rule.ManagerEducation": "管理人员需本科及以上学历", "people.rule.ManagerExperience": "管理人员需 3 年以上相关经验",
    "people.rule.StaffEducation": "工作人员需大专及以上学历", "people.rule.StaffExperience": "工作人员需 1 年以上相关经验"
  });
  Object.assign(messages["en"], {
    "nav.people": "People", "people.title": "People", "people.organisation": "Organisation", "people.ratio": "Certified staff (at least 50 %)",
    "people.meets": "Meets the rule", "people.below": "Below 50 %", "people.forecastLabel": "Expiry forecast",
    "people.forecast": "Below 50 % from {day} ({n} of {total} certified then)", "people.noForecast": "Not below 50 % within {days} days",
    "people.expiring": "Certificates about to expire", "people.noExpiring": "No certificate expires within {days} days",
    "people.breaches": "People below their post's entry conditions", "people.noBreaches": "Everyone meets their post's entry conditions",
    "people.list": "Staff", "people.empty": "No staff records yet", "people.register": "Record a person", "people.name": "Name",
    "people.post": "Post", "people.education": "Education", "people.years": "Relevant experience (years)", "people.skills": "Skills (comma-separated)",
    "people.nationalId": "ID number", "people.phone": "Phone", "people.state": "State", "people.certificates": "Certificates", "people.none": "None",
    "people.save": "Save", "people.addCertificate": "Record a certificate", "people.recordCertificate": "Save certificate",
    "people.certType": "Certificate type", "people.certNumber": "Number", "people.certIssuer": "Issuer", "people.validFrom": "Valid from",
    "people.validTo": "Valid to", "people.daysLeft": "Days left", "people.rule": "Condition not met",
    "people.post.Manager": "Manager", "people.post.Staff": "Staff", "people.post.ServicePost": "Service post",
    "people.edu.Secondary": "Secondary or below", "people.edu.JuniorCollege": "Junior college", "people.edu.Bachelor": "Bachelor's",
    "people.edu.Master": "Master's", "people.edu.Doctorate": "Doctorate", "people.state.Active": "Active", "people.state.Left": "Left",
    "people.rule.ManagerEducation": "Managers need a bachelor's degree or higher", "people.rule.ManagerExperience": "Managers need 3 years of relevant experience",
    "people.rule.StaffEducation": "Staff need junior college or higher", "people.rule.StaffExperience": "Staff need 1 year of relevant experience"
  });
  // Indicators and rectifications (指标、整改与报备, F9.4): js/indicators.js.
  Object.assign(messages["zh-CN"], {
    "nav.indicators": "指标", "ind.title": "指标与整改", "ind.list": "指标", "ind.trend": "月度趋势（虚线为目标）", "ind.figures": "月度数据",
    "ind.rectifications": "整改与报备", "ind.define": "定义指标", "ind.name": "名称", "ind.expression": "度量或表达式（如 100 * assignmentsOnTime / assignmentsSubmitted）",
    "ind.target": "目标", "ind.unit": "单位", "ind.parties": "接入方（空为全部）", "ind.activateNow": "立即生效", "ind.save": "保存",
    "ind.month": "月份", "ind.close": "结算该月", "ind.closed": "{month} 已结算，新发提醒 {n} 条", "ind.compute": "计算本月至今",
    "ind.state": "状态", "ind.state.Draft": "草稿", "ind.state.Active": "生效", "ind.state.Retired": "已停用", "ind.allParties": "全部接入方",
    "ind.activate": "生效", "ind.retire": "停用", "ind.retireReason": "停用原因", "ind.none": "尚未定义指标", "ind.party": "接入方",
    "ind.value": "数值", "ind.met": "达标", "ind.metYes": "达标", "ind.metNo": "未达标", "ind.noData": "无数据", "ind.noFigures": "尚无月度数据",
    "ind.rect.title": "事项", "ind.rect.nextDue": "最近到期", "ind.rect.updated": "更新时间", "ind.rect.none": "没有整改或报备",
    "ind.rect.state.Open": "待答复", "ind.rect.state.Planned": "整改中", "ind.rect.state.Filed": "报备待审", "ind.rect.state.Done": "整改完成",
    "ind.rect.state.Accepted": "报备通过", "ind.rect.detail": "整改", "ind.rect.analysis": "原因分析", "ind.rect.explanation": "报备说明",
    "ind.rect.decision": "管理方意见", "ind.rect.what": "措施", "ind.rect.owner": "责任人", "ind.rect.due": "完成日期", "ind.rect.done": "完成",
    "ind.rect.markDone": "标记完成", "ind.rect.noActions": "尚无整改措施", "ind.rect.file": "向管理方报备", "ind.rect.finish": "整改完成",
    "ind.rect.comment": "意见（驳回必填）", "ind.rect.accept": "接受报备", "ind.rect.reject": "驳回", "ind.rect.history": "经过",
    "ind.rect.plan": "整改计划", "ind.rect.addAction": "增加一项", "ind.rect.submitPlan": "提交整改", "ind.pack": "下载上月报表（XLSX）"
  });
  Object.assign(messages["en"], {
    "nav.indicators": "Indicators", "ind.title": "Indicators and rectifications", "ind.list": "Indicators", "ind.trend": "Monthly trend (dashed: target)",
    "ind.figures": "Monthly figures", "ind.rectifications": "Rectifications and explanations", "ind.define": "Define an indicator", "ind.name": "Name",
    "ind.expression": "Measure or expression (e.g. 100 * assignmentsOnTime / assignmentsSubmitted)", "ind.target": "Target", "ind.unit": "Unit",
    "ind.parties": "Access parties (empty: all)", "ind.activateNow": "In force now", "ind.save": "Save", "ind.month": "Month", "ind.close": "Close the month",
    "ind.closed": "{month} closed, {n} new reminders", "ind.compute": "Compute this month so far", "ind.state": "State", "ind.state.Draft": "Draft",
    "ind.state.Active": "In force", "ind.state.Retired": "Retired", "ind.allParties": "Every access party", "ind.activate": "Put in force",
    "ind.retire": "Retire", "ind.retireReason": "Why is it retired?", "ind.none": "No indicators defined yet", "ind.party": "Access party",
    "ind.value": "Figure", "ind.met": "Target", "ind.metYes": "Met", "ind.metNo": "Missed", "ind.noData": "No data", "ind.noFigures": "No monthly figures yet",
    "ind.rect.title": "Subject", "ind.rect.nextDue": "Next due", "ind.rect.updated": "Updated", "ind.rect.none": "No rectifications or explanations",
    "ind.rect.state.Open": "Awaiting answer", "ind.rect.state.Planned": "Rectifying", "ind.rect.state.Filed": "Explanation filed", "ind.rect.state.Done": "Rectified",
    "ind.rect.state.Accepted": "Explanation accepted", "ind.rect.detail": "Rectification", "ind.rect.analysis": "Analysis", "ind.rect.explanation": "Explanation",
    "ind.rect.decision": "Management's comment", "ind.rect.what": "Action", "ind.rect.owner": "Owner", "ind.rect.due": "Due", "ind.rect.done": "Done",
    "ind.rect.markDone": "Mark done", "ind.rect.noActions": "No actions yet", "ind.rect.file": "File an explanation with management",
    "ind.rect.finish": "Rectification done", "ind.rect.comment": "Comment (required to reject)", "ind.rect.accept": "Accept", "ind.rect.reject": "Reject",
    "ind.rect.history": "History", "ind.rect.plan": "Rectification plan", "ind.rect.addAction": "Add an action", "ind.rect.submitPlan": "Submit the plan", "ind.pack": "Download last month's report pack (XLSX)"
  });
  // Intake (F7.2 one-click reprint, F7.3 directed collection): the reprint dialog and the collection inbox (js/newsroom.js).
  Object.assign(messages["zh-CN"], {
    "intake.reprint": "一键转载", "intake.reprintHint": "粘贴文章网址：系统抓取标题、正文、来源、作者、责任编辑和发布时间，图片存到本地。",
    "intake.url": "文章网址", "intake.mode": "转入方式", "intake.mode.Pitch": "报题", "intake.mode.Draft": "稿件（指派给我）",
    "intake.imagesFailed": "已转载；{n} 张图片未能本地化，见稿件素材", "intake.alreadyTaken": "该网址已转载为稿件 {id}（{by}）",
    "intake.inbox": "采集箱", "intake.sources": "采集源", "intake.noSources": "尚无采集源", "intake.noItems": "没有条目",
    "intake.state.On": "采集中", "intake.state.Off": "已停用", "intake.sourceStatus": "上次 {polled} · 下次 {next} · 已采 {items} 条 · 负责人 {owner}",
    "intake.lastError": "失败 {n} 次（自 {since}）：{error}", "intake.turnOn": "启用", "intake.turnOff": "停用", "intake.pollNow": "立即采集",
    "intake.addSource": "添加采集源", "intake.sourceName": "名称", "intake.feedUrl": "订阅地址（RSS/Atom/JSON Feed）", "intake.intervalMinutes": "间隔（分钟）",
    "intake.show": "显示", "intake.all": "全部", "intake.search": "筛选标题、摘要、来源", "intake.item.New": "待处理", "intake.item.Taken": "已转入",
    "intake.item.Dismissed": "已忽略", "intake.take": "转为报题", "intake.dismiss": "忽略", "intake.wentTo": "已转入 {id}"
  });
  Object.assign(messages["en"], {
    "intake.reprint": "Reprint", "intake.reprintHint": "Paste an article's URL: its title, body, source, author, editor and publish time are taken, its images stored here.",
    "intake.url": "Article URL", "intake.mode": "Enter as", "intake.mode.Pitch": "Pitch", "intake.mode.Draft": "Draft (assigned to me)",
    "intake.imagesFailed": "Reprinted; {n} images could not be stored here, see the story's materials", "intake.alreadyTaken": "This URL was already taken as story {id} ({by})",
    "intake.inbox": "Inbox", "intake.sources": "Feed sources", "intake.noSources": "No feed sources yet", "intake.noItems": "No items",
    "intake.state.On": "On", "intake.state.Off": "Off", "intake.sourceStatus": "Last {polled} · next {next} · {items} collected · owner {owner}",
    "intake.lastError": "{n} failures since {since}: {error}", "intake.turnOn": "Turn on", "intake.turnOff": "Turn off", "intake.pollNow": "Poll now",
    "intake.addSource": "Add source", "intake.sourceName": "Name", "intake.feedUrl": "Feed URL (RSS/Atom/JSON Feed)", "intake.intervalMinutes": "Interval (minutes)",
    "intake.show": "Show", "intake.all": "All", "intake.search": "Filter title, summary, source", "intake.item.New": "New", "intake.item.Taken": "Taken",
    "intake.item.Dismissed": "Dismissed", "intake.take": "Make a pitch", "intake.dismiss": "Dismiss", "intake.wentTo": "Went to {id}"
  });
  // Tickets (投诉、咨询、建议, F11.1): the list with each ticket's clock, one ticket's moves, staff-recorded calls (js/tickets.js).
  Object.assign(messages["zh-CN"], {
    "nav.tickets": "工单", "tk.title": "投诉、咨询、建议", "tk.state": "状态", "tk.all": "全部", "tk.publicPage": "公众提交页面",
    "tk.record": "登记来电或邮件", "tk.subject": "标题", "tk.content": "内容", "tk.name": "姓名（可选）", "tk.phone": "电话", "tk.email": "电子邮箱",
    "tk.consentTold": "已告知处理目的和保存期限并获同意", "tk.save": "保存", "tk.empty": "暂无工单", "tk.code": "编号", "tk.kind": "类型",
    "tk.assignee": "办理方", "tk.clock": "时限", "tk.contact": "联系方式", "tk.received": "收到时间", "tk.erased": "个人信息已删除",
    "tk.noClock": "无进行中的时限", "tk.wasOverdue": "曾超期：{list}", "tk.overdueBy": "已超期 {h} 小时", "tk.leftH": "剩余 {h} 小时",
    "tk.deadline.Acknowledge": "受理时限", "tk.deadline.Reply": "答复时限", "tk.deadline.ReturnVisit": "回访时限",
    "tk.kind.Complaint": "投诉", "tk.kind.Consultation": "咨询", "tk.kind.Suggestion": "建议",
    "tk.priority.Normal": "一般", "tk.priority.Urgent": "紧急", "tk.source.Web": "网页", "tk.source.Api": "接口", "tk.source.Phone": "来电", "tk.source.Email": "邮件",
    "tk.state.Received": "已接收", "tk.state.Accepted": "已受理", "tk.state.Rejected": "不予受理", "tk.state.Assigned": "已分派",
    "tk.state.Handled": "已办理", "tk.state.Replied": "已答复", "tk.state.ReturnVisited": "已回访", "tk.state.Closed": "已办结",
    "tk.reason": "理由", "tk.assigneeHint": "operator 或 party:接入方编号", "tk.note": "说明", "tk.handling": "办理情况",
    "tk.rectification": "需要整改（理由）", "tk.replyText": "答复", "tk.satisfaction": "满意度（1–5）", "tk.comment": "说明", "tk.closeReason": "办结理由",
    "tk.rejectReason": "不予受理理由", "tk.consent": "个人信息同意", "tk.consentText": "{purpose}；保存 {days} 天；{at} 同意",
    "tk.closeView": "返回列表", "tk.eraseConfirm": "删除提交人的姓名、电话和邮箱？此操作不可撤销。",
    "tk.cmd.Accept": "受理", "tk.cmd.Reject": "不予受理", "tk.cmd.Assign": "分派", "tk.cmd.Handle": "记录办理", "tk.cmd.Reply": "答复",
    "tk.cmd.RecordReturnVisit": "记录回访", "tk.cmd.Close": "办结", "tk.cmd.Reopen": "重新办理", "tk.cmd.ErasePersonalData": "删除个人信息"
  });
  Object.assign(messages["en"], {
    "nav.tickets": "Tickets", "tk.title": "Complaints, consultations, suggestions", "tk.state": "State", "tk.all": "All", "tk.publicPage": "Public form",
    "tk.record": "Record a call or e-mail", "tk.subject": "Subject", "tk.content": "Content", "tk.name": "Name (optional)", "tk.phone": "Phone", "tk.email": "E-mail",
    "tk.consentTold": "Purpose and retention told, consent given", "tk.save": "Save", "tk.empty": "No tickets", "tk.code": "Code", "tk.kind": "Kind",
    "tk.assignee": "Handled by", "tk.clock": "Time limit", "tk.contact": "Contact", "tk.received": "Received", "tk.erased": "Personal data deleted",
    "tk.noClock": "No limit running", "tk.wasOverdue": "Was overdue: {list}", "tk.overdueBy": "Overdue by {h} h", "tk.leftH": "{h} h left",
    "tk.deadline.Acknowledge": "Acknowledge by", "tk.deadline.Reply": "Reply by", "tk.deadline.ReturnVisit": "Return visit by",
    "tk.kind.Complaint": "Complaint", "tk.kind.Consultation": "Consultation", "tk.kind.Suggestion": "Suggestion",
    "tk.priority.Normal": "Normal", "tk.priority.Urgent": "Urgent", "tk.source.Web": "Web", "tk.source.Api": "API", "tk.source.Phone": "Phone", "tk.source.Email": "E-mail",
    "tk.state.Received": "Received", "tk.state.Accepted": "Accepted", "tk.state.Rejected": "Rejected", "tk.state.Assigned": "Assigned",
    "tk.state.Handled": "Handled", "tk.state.Replied": "Replied", "tk.state.ReturnVisited": "Return visit done", "tk.state.Closed": "Closed",
    "tk.reason": "Reason", "tk.assigneeHint": "operator or party:{id}", "tk.note": "Note", "tk.handling": "Handling",
    "tk.rectification": "Rectification requested (why)", "tk.replyText": "Reply", "tk.satisfaction": "Satisfaction (1–5)", "tk.comment": "Comment",
    "tk.closeReason": "Reason to close", "tk.rejectReason": "Reason for rejection", "tk.consent": "Consent", "tk.consentText": "{purpose}; kept {days} days; given {at}",
    "tk.closeView": "Back to the list", "tk.eraseConfirm": "Delete the submitter's name, phone and e-mail? This cannot be undone.",
    "tk.cmd.Accept": "Accept", "tk.cmd.Reject": "Reject", "tk.cmd.Assign": "Assign", "tk.cmd.Handle": "Record handling", "tk.cmd.Reply": "Reply",
    "tk.cmd.RecordReturnVisit": "Record return visit", "tk.cmd.Close": "Close", "tk.cmd.Reopen": "Reopen", "tk.cmd.ErasePersonalData": "Delete personal data"
  });
  // Applications (接入应用).
  Object.assign(messages["zh-CN"], {
    "nav.applications": "接入应用", "ap.title": "接入应用", "ap.hint": "接入方在平台上运行的服务（网站、WAP、客户端、终端服务）；频道和终端各属于本接入方的一个应用，暂停应用即暂停其全部频道的对外服务。",
    "ap.create": "新建应用", "ap.createSubmit": "创建", "ap.party": "接入方",
    "ap.code": "编码", "ap.name": "名称", "ap.kind": "类型",
    "ap.owner": "负责人", "ap.description": "说明", "ap.state": "状态",
    "ap.channels": "频道", "ap.terminals": "终端", "ap.empty": "尚无应用",
    "ap.kind.Web": "网站", "ap.kind.Wap": "WAP", "ap.kind.App": "客户端",
    "ap.kind.Terminal": "终端服务", "ap.state.Active": "服务中", "ap.state.Suspended": "已暂停对外服务",
    "ap.state.Retired": "已停用", "ap.reason": "暂停原因（必填）", "ap.note": "说明（可选）",
    "ap.cmd.Create": "创建", "ap.cmd.Edit": "保存修改", "ap.cmd.Suspend": "暂停对外服务",
    "ap.cmd.Resume": "恢复服务", "ap.cmd.Retire": "停用", "ap.channelCode": "频道编码",
    "ap.channelName": "频道名称", "ap.addChannel": "在此应用下新建频道", "ap.closeView": "返回列表",
    "ap.suspendedReason": "暂停原因", "ap.channelsOf": "频道（{n}）", "ap.terminalsOf": "终端（{n}）",
    "ap.channel": "频道", "ap.terminal": "终端", "ap.region": "区域 · 状态",
    "ap.moveTo": "所属应用", "ap.history": "变更记录"
  });
  Object.assign(messages.en, {
    "nav.applications": "Applications", "ap.title": "Applications", "ap.hint": "The services an access party runs on the platform (web site, WAP, app, terminal service); every channel and terminal belongs to one application of its party, and suspending an application suspends the outward service of all its channels.",
    "ap.create": "New application", "ap.createSubmit": "Create", "ap.party": "Access party",
    "ap.code": "Code", "ap.name": "Name", "ap.kind": "Kind",
    "ap.owner": "Owner", "ap.description": "Description", "ap.state": "State",
    "ap.channels": "Channels", "ap.terminals": "Terminals", "ap.empty": "No applications yet",
    "ap.kind.Web": "Web site", "ap.kind.Wap": "WAP", "ap.kind.App": "App",
    "ap.kind.Terminal": "Terminal service", "ap.state.Active": "In service", "ap.state.Suspended": "Service suspended",
    "ap.state.Retired": "Retired", "ap.reason": "Reason for suspending (required)", "ap.note": "Note (optional)",
    "ap.cmd.Create": "Create", "ap.cmd.Edit": "Save changes", "ap.cmd.Suspend": "Suspend service",
    "ap.cmd.Resume": "Resume service", "ap.cmd.Retire": "Retire", "ap.channelCode": "Channel code",
    "ap.channelName": "Channel name", "ap.addChannel": "New channel in this application", "ap.closeView": "Back to the list",
    "ap.suspendedReason": "Suspended because", "ap.channelsOf": "Channels ({n})", "ap.terminalsOf": "Terminals ({n})",
    "ap.channel": "Channel", "ap.terminal": "Terminal", "ap.region": "Region · health",
    "ap.moveTo": "Application", "ap.history": "History"
  });
  // Why a terminal's health moved (the codes the fleet's alert feed and the terminal's card carry).
  Object.assign(messages["zh-CN"], {
    "reason.heartbeat": "收到心跳", "reason.missed-heartbeats": "心跳超时", "reason.disconnected": "连接断开",
    "reason.maintenance": "进入维护", "reason.maintenance-ended": "维护结束", "reason.cpu": "CPU 过高", "reason.memory": "内存不足",
    "reason.disk": "磁盘不足", "reason.temperature": "温度过高", "reason.errors": "错误过多"
  });
  Object.assign(messages.en, {
    "reason.heartbeat": "heartbeat", "reason.missed-heartbeats": "missed heartbeats", "reason.disconnected": "disconnected",
    "reason.maintenance": "maintenance started", "reason.maintenance-ended": "maintenance ended", "reason.cpu": "CPU high", "reason.memory": "memory low",
    "reason.disk": "disk low", "reason.temperature": "temperature high", "reason.errors": "too many errors"
  });
  const stored = localStorage.getItem("mc.lang");
  let lang = stored && messages[stored] ? stored : "zh-CN";
  if (!document.cookie.split("; ").includes("mc.lang=" + lang)) { remember(); }

  function t(key) { return (messages[lang] && messages[lang][key]) || messages["zh-CN"][key] || key; }
  function apply() {
    document.documentElement.lang = lang;
    document.querySelectorAll("[data-i18n]").forEach(el => { el.textContent = t(el.dataset.i18n); });
    const button = document.getElementById("lang-switch");
    // Named by what it shows (the other language), with what it does as its title.
    if (button) { button.textContent = t("lang.switch"); button.title = t("lang.switchTitle"); button.lang = lang === "zh-CN" ? "en" : "zh-CN"; }
    document.dispatchEvent(new CustomEvent("mc:language", { detail: lang }));
  }
  // The server renders its own texts (refusals, titles, notifications, live events) in the language this cookie
  // names, so every request, download and live connection carries the choice.
  function remember() {
    localStorage.setItem("mc.lang", lang);
    document.cookie = "mc.lang=" + lang + "; path=/; max-age=31536000; SameSite=Lax";
  }
  // A new choice reloads the page at its own address: what the server already rendered, and the live connection's
  // language, follow it (the pages keep no unsaved work across a language switch).
  function setLanguage(next) {
    lang = messages[next] ? next : "zh-CN";
    remember();
    location.reload();
  }
  function formatTime(value) {
    if (!value) { return "—"; }
    return new Date(value).toLocaleString(lang === "en" ? "en-GB" : "zh-CN", { hourCycle: "h23" });
  }

  // entries: every label of a language (the browser tests look for labels of the other language on each page).
  window.mcI18n = { t, apply, setLanguage, formatTime, entries: l => ({ ...(messages[l] || {}) }), get lang() { return lang; } };
  document.addEventListener("DOMContentLoaded", () => {
    document.getElementById("lang-switch")?.addEventListener("click", () => setLanguage(lang === "zh-CN" ? "en" : "zh-CN"));
    apply();
  });
})();
