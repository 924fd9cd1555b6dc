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
    return new Date(value).toLocaleString(lang === "en" ? "en-GB" : "zh-CN", { hour12: false });
  }

  window.mcI18n = { t, apply, setLanguage, formatTime, get lang() { return lang; } };
  document.addEventListener("DOMContentLoaded", () => {
    document.getElementById("lang-switch")?.addEventListener("click", () => setLanguage(lang === "zh-CN" ? "en" : "zh-CN"));
    apply();
  });
})();
