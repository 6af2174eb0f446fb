import { auth } from '../../utils/auth';
import { describeAnswer, describeError, type Message } from '../../utils/messages';

interface PhoneInfo {
  phoneNumber: string;
}

const DECLINED: Message = { zh: '你没有授权手机号。', en: 'You did not allow access to your phone number.' };
const BAD_CODE: Message = {
  zh: '手机号授权已失效，请再点一次按钮。',
  en: 'That phone authorization has expired. Tap the button again.',
};

/** Phone number: the getPhoneNumber button's single-use code → POST /wx/phone → the number WeChat confirms. */
Component({
  data: { phoneNumber: '', error: null as Message | null },

  methods: {
    async onGetPhoneNumber(event: WechatMiniprogram.CustomEvent<{ code?: string; errMsg?: string }>) {
      const code = event.detail.code;
      if (!code) {
        this.setData({ error: DECLINED });
        return;
      }
      try {
        const { statusCode, data, header } = await auth.request<PhoneInfo>({
          url: '/wx/phone',
          method: 'POST',
          data: { code },
        });
        const error = statusCode === 400 ? BAD_CODE : describeAnswer(statusCode, header);
        this.setData({ phoneNumber: error ? '' : data.phoneNumber, error: error ?? null });
      } catch (error) {
        this.setData({ phoneNumber: '', error: describeError(error) });
      }
    },
  },
});
