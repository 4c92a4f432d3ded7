// Checking a code from the app while MFA is on (POST /mfa/verify).

import { MSG, api } from './api.js';
import { afterChange } from './activity.js';
import { clearMessages, el, onSubmit, setText, takeRequiredValue } from './dom.js';
import { showProof } from './proof.js';
import { reportError } from './status.js';

async function verifyCode() {
  clearMessages();
  const code = takeRequiredValue(el.verifyCode, el.verifyError, 'Enter the code from your authenticator app.');
  if (!code) return;
  try {
    const data = await api('POST', '/mfa/verify', { code });
    if (data.verified === true) {
      setText(el.verifyResult, 'Code accepted');
      showProof(data);
    } else {
      setText(el.verifyError, MSG.invalidCode);
      afterChange(); // wrong codes count towards a lock
    }
  } catch (err) {
    await reportError(err, el.verifyError);
    afterChange();
  }
}

export function wireVerify() {
  onSubmit(el.verifySection, el.verify, verifyCode);
}
