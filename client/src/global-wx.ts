import type { WxLike } from './wx.js';

/**
 * The mini program's global `wx`, or undefined where there is none (Node, tests). `typeof` keeps the lookup safe
 * outside a mini program. In the client build `wx` is typed by miniprogram-api-typings, so returning it as WxLike
 * is the compile-time proof that the real API fits the shape this library calls.
 */
const globalWx = (): WxLike | undefined => (typeof wx === 'undefined' ? undefined : wx);

export { globalWx };
