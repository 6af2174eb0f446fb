import { createAuthClient } from '@wechat-login/miniprogram-sdk';
import { BASE_URL } from '../config';

/** One client for the whole app: its single-flight login and once-per-launch checkSession are per client. */
export const auth = createAuthClient({ baseUrl: BASE_URL });
