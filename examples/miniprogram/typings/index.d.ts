/// <reference types="miniprogram-api-typings" />

/** What app.ts keeps for every page (the official template's IAppOption). */
interface IAppOption {
  globalData: Record<string, never>;
}
