// Small browser helpers used through JS interop by the UI kit.
window.portal = window.portal || {};
