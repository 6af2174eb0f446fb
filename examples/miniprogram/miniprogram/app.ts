import { auth } from './utils/auth';

App<IAppOption>({
  globalData: {},
  onLaunch() {
    // Log in early so the first page does not wait for wx.login; requests log in by themselves anyway.
    if (!auth.hasSession()) auth.login().catch(() => undefined);
  },
});
