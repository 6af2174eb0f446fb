import { auth } from '../../utils/auth';
import { describeAnswer, describeError, type Message } from '../../utils/messages';

interface Me {
  openid: string;
  unionid?: string;
  appId?: string;
}

/** Home: the login state and GET /me; logging in happens by itself on the first request. */
Component({
  data: {
    loading: true,
    loggedIn: false,
    openid: '',
    unionid: '',
    appId: '',
    error: null as Message | null,
  },

  lifetimes: {
    attached() {
      void this.loadMe();
    },
  },

  methods: {
    /** GET /me: logs in first when there is no live session. */
    async loadMe() {
      this.setData({ loading: true, error: null });
      try {
        const { statusCode, data, header } = await auth.request<Me>({ url: '/me' });
        const error = describeAnswer(statusCode, header);
        if (error) this.setData({ loading: false, loggedIn: false, error });
        else this.showUser(data);
      } catch (error) {
        this.setData({ loading: false, loggedIn: false, error: describeError(error) });
      }
    },

    showUser(me: Me) {
      this.setData({
        loading: false,
        loggedIn: true,
        openid: me.openid,
        unionid: me.unionid ?? '',
        appId: me.appId ?? '',
      });
    },

    onLogin() {
      void this.loadMe();
    },

    /** POST /logout, and the stored session is forgotten even if the server could not be told. */
    async onLogout() {
      await auth.logout();
      this.setData({ loggedIn: false, openid: '', unionid: '', appId: '', error: null });
    },
  },
});
