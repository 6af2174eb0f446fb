import { auth } from '../../utils/auth';
import { describeAnswer, describeError, type Message } from '../../utils/messages';

/** One of the user's live sessions as GET /sessions lists it: `id` is a handle, not the session id. */
interface SessionEntry {
  id: string;
  createdAt: string;
  expiresAt: string;
  current: boolean;
}

const NOT_SUPPORTED: Message = {
  zh: '这个服务器还不能列出登录设备。',
  en: 'This server cannot list your devices yet.',
};

/** When the server answers what (a 404 here means the server has no /sessions route). */
const problemOf = (statusCode: number, header: Record<string, string>): Message | undefined =>
  statusCode === 404 ? NOT_SUPPORTED : describeAnswer(statusCode, header);

/** Devices: GET /sessions, sign out one other device (DELETE /sessions/{id}) or every device (POST /logout). */
Component({
  data: { loading: true, sessions: [] as SessionEntry[], signedOut: false, error: null as Message | null },

  lifetimes: {
    attached() {
      void this.loadSessions();
    },
  },

  methods: {
    async loadSessions() {
      this.setData({ loading: true, error: null });
      try {
        const { statusCode, data, header } = await auth.request<{ sessions: SessionEntry[] }>({ url: '/sessions' });
        const error = problemOf(statusCode, header);
        this.setData({ loading: false, sessions: error ? [] : data.sessions, error: error ?? null });
      } catch (error) {
        this.setData({ loading: false, sessions: [], error: describeError(error) });
      }
    },

    async onSignOutDevice(
      event: WechatMiniprogram.TouchEvent<Record<string, never>, Record<string, never>, { id: string }>
    ) {
      const id = event.currentTarget.dataset.id;
      try {
        const { statusCode, header } = await auth.request({
          url: `/sessions/${encodeURIComponent(id)}`,
          method: 'DELETE',
        });
        const error = statusCode === 404 ? undefined : problemOf(statusCode, header);
        if (error) this.setData({ error });
        else await this.loadSessions();
      } catch (error) {
        this.setData({ error: describeError(error) });
      }
    },

    /** Every session of this user in this app is refused from now on, this one included. */
    async onSignOutEverywhere() {
      try {
        const { statusCode, header } = await auth.request({
          url: '/logout',
          method: 'POST',
          data: { everywhere: true },
        });
        const error = problemOf(statusCode, header);
        if (error) return this.setData({ error });
        await auth.logout(); // forgets the local session too (the server already refuses it)
        this.setData({ sessions: [], signedOut: true, error: null });
      } catch (error) {
        this.setData({ error: describeError(error) });
      }
    },
  },
});
