package words

// keyringChoices names the keyring Tokentray uses on Windows, in English
// in every language.
const keyringChoices = "on Windows that is Credential Manager: sign in to Windows with your own account and make sure the Credential Manager service is running"
