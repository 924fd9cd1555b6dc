-- One language system (issue 22): text the server writes for people outside a browser is rendered in the language of
-- whoever reads it. A webhook's receiver reads its payload's titles and bodies in the webhook's language; a channel's
-- feeds (their titles and descriptions) are written in the channel's language. Chinese unless set otherwise.
ALTER TABLE mc.webhooks ADD COLUMN language text NOT NULL DEFAULT 'zh-CN' CHECK (language IN ('zh-CN', 'en'));
ALTER TABLE mc.channels ADD COLUMN feed_language text NOT NULL DEFAULT 'zh-CN' CHECK (feed_language IN ('zh-CN', 'en'));
