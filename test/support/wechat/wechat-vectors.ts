import { createCipheriv, randomBytes } from 'node:crypto';

/**
 * WeChat's own published decryption sample (the demo code of "开放数据校验与解密", WXBizDataCrypt, reproduced in many
 * SDK test suites): AppID, session_key, iv and encryptedData, and the plaintext it decrypts to.
 */
const officialSample = {
  appId: 'wx4f4bc4dec97d474b',
  sessionKey: 'tiihtNczf5v6AKRyjwEUhQ==',
  iv: 'r7BXXKkLb8qrSNn05n0qiA==',
  encryptedData:
    'CiyLU1Aw2KjvrjMdj8YKliAjtP4gsMZMQmRzooG2xrDcvSnxIMXFufNstNGTyaGS9uT5geRa0W4oTOb1WT7fJlAC+oNPdbB+3hVbJSRgv+4lGOETKUQz6OYStslQ142dNCuabNPGBzlooOmB231qMM85d2/fV6ChevvXvQP8Hkue1poOFtnEtpyxVLW1zAo6/1Xx1COxFvrc2d7UL/lmHInNlxuacJXwu0fjpXfz/YqYzBIBzD6WUfTIF9GRHpOn/Hz7saL8xz+W//FRAUid1OksQaQx4CMs8LOddcQhULW4ucetDf96JcR3g0gfRK4PC7E/r7Z6xNrXd2UIeorGj5Ef7b1pJAYB6Y5anaHqZ9J6nKEBvB4DnNLIVWSgARns/8wR2SiRS7MNACwTyrGvt9ts8p12PKFdlqYTopNHR1Vf7XjfhQlVsAJdNiKdYmYVoKlaRv85IfVunYzO0IKXsyl7JCUjCpoG20f0a04COwfneQAGGwd5oa+T8yO5hzuyDb/XcxxmK01EpqOyuxINew==',
  plaintext: {
    openId: 'oGZUI0egBJY1zhBYw2KhdUfwVJJE',
    nickName: 'Band',
    gender: 1,
    language: 'zh_CN',
    city: 'Guangzhou',
    province: 'Guangdong',
    country: 'CN',
    avatarUrl:
      'http://wx.qlogo.cn/mmopen/vi_32/aSKcBBPpibyKNicHNTMM0qJVh8Kjgiak2AHWr8MHM4WgMEm7GFhsf8OYrySdbvAMvTsw3mo8ibKicsnfN5pRjl1p8HQ/0',
    unionId: 'ocMvos6NjeKLIBqg5Mr9QjxrP1FA',
    watermark: { timestamp: 1477314187, appid: 'wx4f4bc4dec97d474b' },
  },
} as const;

/**
 * WeChat's published rawData signature example (the "数据签名校验" page): signature = sha1(rawData + session_key).
 * Recomputed with Python's hashlib as a cross-check.
 */
const officialRawDataSample = {
  rawData:
    '{"nickName":"Band","gender":1,"language":"zh_CN","city":"Guangzhou","province":"Guangdong","country":"CN","avatarUrl":"http://wx.qlogo.cn/mmopen/vi_32/1vZvI39NWFQ9XM4LtQpFrQJ1xlgZxx3w7bQxKARol6503Iuswjjn6nIGBiaycAjAtpujxyzYsrztuuICqIM5ibXQ/0"}',
  sessionKey: 'HyVFkGl5F5OQWJZZaNzBBg==',
  signature: '75e81ceda165f4ffa64f4068af58c64b8f54b88c',
} as const;

/**
 * WeChat's published user login-state signature example ("用户登录态签名"): hmac_sha256('{"foo":"bar"}', key =
 * 'o0q0otL8aEzpcZL/FT9WsQ==' as text). The empty-message values (what checkSessionKey sends) were computed with
 * Python's hmac module, independently of node:crypto.
 */
const loginStateVectors = {
  published: {
    sessionKey: 'o0q0otL8aEzpcZL/FT9WsQ==',
    payload: '{"foo":"bar"}',
    signature: '654571f79995b2ce1e149e53c0a33dc39c0a74090db514261454e8dbe432aa0b',
  },
  emptyMessage: [
    {
      sessionKey: 'o0q0otL8aEzpcZL/FT9WsQ==',
      signature: '46e043c5525c2d817c44be603d30837a808a1d930d038f6fdc3e62a201fed128',
    },
    {
      sessionKey: 'tiihtNczf5v6AKRyjwEUhQ==',
      signature: '7154f9f8b4b76b92f541cbf0e37d48840fa06e5e42da92a6f80168a1516a4735',
    },
  ],
} as const;

/** Encrypts like WeChat does (AES-128-CBC, PKCS#7): for vectors of our own. */
const encryptLikeWeChat = (
  data: unknown,
  sessionKey: string,
  iv: string = randomBytes(16).toString('base64')
): { encryptedData: string; iv: string } => {
  const cipher = createCipheriv('aes-128-cbc', Buffer.from(sessionKey, 'base64'), Buffer.from(iv, 'base64'));
  const text = typeof data === 'string' ? data : JSON.stringify(data);
  const encrypted = Buffer.concat([cipher.update(text, 'utf8'), cipher.final()]);
  return { encryptedData: encrypted.toString('base64'), iv };
};

/** Encrypts raw bytes with no padding added, to build ciphertexts whose padding is wrong on purpose. */
const encryptRawBlocks = (plaintext: Buffer, sessionKey: string, iv: string): string => {
  const cipher = createCipheriv('aes-128-cbc', Buffer.from(sessionKey, 'base64'), Buffer.from(iv, 'base64'));
  cipher.setAutoPadding(false);
  return Buffer.concat([cipher.update(plaintext), cipher.final()]).toString('base64');
};

const newSessionKey = (): string => randomBytes(16).toString('base64');

export { encryptLikeWeChat, encryptRawBlocks, loginStateVectors, newSessionKey, officialRawDataSample, officialSample };
