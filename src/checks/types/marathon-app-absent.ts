import { z } from 'zod';
import { defineCheck } from '../check-type.js';
import { imageSchema } from '../image.js';
import { describeApp, describeApps, selectApps } from '../marathon-apps.js';
import { exactlyOne } from '../tasks.js';

/** No Marathon app with that id (or image) exists any more: it was destroyed. */
export const marathonAppAbsentCheck = defineCheck(
  z
    .strictObject({ type: z.literal('marathon-app-absent'), id: z.string().min(1).optional(), image: imageSchema.optional() })
    .refine(exactlyOne(['id', 'image']), 'give either id or image'),
  async (check, scope) => {
    const selector = check.id !== undefined ? { id: check.id } : { image: check.image! };
    const apps = await selectApps(selector, scope);
    if (apps.length === 0) return { pass: true, detail: `Marathon has no ${describeApps(selector)} any more` };
    return { pass: false, detail: `Marathon still has ${apps.map(describeApp).join('; ')}` };
  },
);
