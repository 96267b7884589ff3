// Small browser helpers used through JS interop by the layout and the UI kit.
window.portal = window.portal || {};
window.portal.markInteractive = () => { window.portalCircuitUp = true; };
