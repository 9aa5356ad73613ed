/**
 * zod/mini with zod's English messages: every runtime schema imports `z` from here
 * (`import * as z from '…/model/zod'`). zod/mini loads no locale (classic zod loads English on its
 * first schema), so without this the issue messages clients read ("Invalid input: expected string,
 * received undefined") would be generic. Only `en` is bundled: a namespace re-export (`export { z }`)
 * would keep every locale.
 */
import { config } from 'zod/mini';
import en from 'zod/v4/locales/en.js';

config(en());

export * from 'zod/mini';
