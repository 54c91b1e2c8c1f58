"""Ordinary developer text in the languages spam also comes in, for
make_training_data.py.

Why: casino, loan and escort spam arrives in Indonesian, Vietnamese, Chinese,
Russian, Arabic, Portuguese and Spanish. A model that sees those languages
mostly in spam learns "not English, so spam" and flags every local user
group, every bug report written in Chinese and every student from Jakarta.
So each language gets the ordinary kinds of text a GitLab instance holds:
bug reports, questions, thanks, review comments, bios, project and group
descriptions (local communities, university labs, companies), meetup and
release announcements, documentation. Sentences are composed from parts with
slots (versions, tools, cities, English error messages, links to ordinary
sites), so that the words vary and no one template dominates.

Everything here is written for this project; nothing is taken from the
evaluation set."""

TOOLS = ["Docker", "Kubernetes", "GitLab Runner", "nginx", "PostgreSQL", "Redis", "Python", "Go", "Rust", "Node.js", "Java", "Vue", "React",
         "Flutter", "Android Studio", "Ubuntu", "Debian", "Windows 11", "macOS", "Terraform", "Ansible", "Laravel", "Django", "Spring Boot"]
ERRORS = ["connection refused", "permission denied", "exit code 137", "x509: certificate signed by unknown authority", "ENOENT: no such file or directory",
          "NullPointerException", "ModuleNotFoundError", "timeout after 30s", "401 Unauthorized", "segmentation fault", "out of memory"]
SITES = ["docs", "wiki", "forum", "meetup", "blog", "events", "discourse", "community"]

T = {
    "zh": {
        "city": ["北京", "上海", "深圳", "杭州", "成都", "台北", "香港", "广州"],
        "bug": ["升级到 {v} 之后 {tool} 启动失败，报错 `{err}`。", "在 {tool} 上运行测试时偶尔超时，日志附在下面。", "按照文档第三步操作后页面一直空白。",
                "合并请求的流水线在 arm64 机器上失败，x86 正常。", "中文文件名上传后显示乱码。", "升级后内存占用明显增加，大约翻了一倍。",
                "配置文件里写了代理，但是 runner 好像没有读取。", "导出 CSV 时日期格式不对，应该是 YYYY-MM-DD。"],
        "question": ["请问有没有办法在 {tool} 里缓存依赖？", "这个功能支持私有化部署吗？", "文档里提到的环境变量在哪里设置？", "有人在 {city} 用过这个项目吗？想交流一下。",
                     "请问这个接口的返回值是什么格式？", "新手提问：怎么把分支合并到主干？"],
        "thanks": ["谢谢，问题已经解决了。", "感谢修复！新版本测试通过。", "好的，我明天再试一下。", "已确认，在 {v} 上没问题了。", "辛苦了，非常感谢。"],
        "review": ["这里最好加一个单元测试。", "变量名可以再清楚一点。", "这个函数有点长，建议拆开。", "看起来没问题，可以合并。", "注释里有个错别字。"],
        "bio": ["后端工程师，喜欢 {tool} 和开源。", "在校学生，正在学习 {tool}。", "{city} 的全栈开发者。", "数据库爱好者，业余写写博客。", "运维工程师，关注可观测性。"],
        "project": ["一个用 {tool} 写的轻量级任务调度器。", "课程作业：图书馆管理系统。", "中文分词和文本分析工具。", "公司内部使用的监控面板。",
                    "{tool} 中文文档翻译项目，欢迎参与。", "个人博客的源代码，使用静态站点生成器。"],
        "group": ["{city} {tool} 用户组", "{city}大学计算机学院实验室的项目", "开源爱好者社区，欢迎加入", "我们公司的前端和后端代码仓库",
                  "{tool} 中文社区：翻译、教程和示例代码", "高校开源协会的课程项目和比赛作品"],
        "announce": ["本月的线下交流会在 {city} 举行，主题是 {tool} 的性能优化，欢迎报名。", "{v} 版本已经发布，主要修复了若干稳定性问题。",
                     "我们正在招募文档翻译志愿者，有兴趣请在议题里留言。", "下周六的技术分享会改为线上举行，链接见群公告。"],
        "docs": ["## 安装\n\n先安装依赖，然后运行 `make`。", "## 配置\n\n所有配置项都在 config.yaml 中。", "## 常见问题\n\n如果构建失败，请先清理缓存。",
                 "本页介绍如何在本地搭建开发环境。"],
    },
    "id": {
        "city": ["Jakarta", "Bandung", "Surabaya", "Yogyakarta", "Medan", "Makassar", "Semarang", "Malang"],
        "bug": ["Setelah update ke {v}, {tool} tidak mau jalan, error `{err}`.", "Build gagal di runner arm64, di x86 lancar.", "Halaman login kosong setelah deploy terbaru.",
                "Upload file besar selalu timeout di menit kedua.", "Format tanggal di laporan masih salah, harusnya DD/MM/YYYY.", "Aplikasinya crash waktu dibuka tanpa koneksi internet."],
        "question": ["Bagaimana cara mengatur cache untuk {tool} di pipeline?", "Apakah proyek ini bisa dipakai di server sendiri?", "Ada contoh konfigurasi untuk {tool}?",
                     "Maaf pertanyaan pemula, cara membuat merge request gimana ya?", "Dokumentasinya ada versi bahasa Indonesia?"],
        "thanks": ["Terima kasih, sudah berhasil.", "Mantap, sudah jalan di {v}.", "Oke, nanti saya coba lagi.", "Makasih atas perbaikannya!", "Sudah saya cek, aman."],
        "review": ["Tolong tambahkan unit test untuk fungsi ini.", "Nama variabelnya kurang jelas.", "Sudah oke, siap di-merge.", "Ada typo di komentar baris 12."],
        "bio": ["Mahasiswa informatika di {city}, belajar {tool}.", "Backend developer, suka open source.", "Pengembang {tool} dari {city}.", "DevOps engineer, kopi dan Linux.",
                "Guru SMK jurusan RPL."],
        "project": ["Aplikasi kasir sederhana untuk UMKM, dibuat dengan {tool}.", "Tugas akhir: sistem informasi perpustakaan.", "Bot Telegram untuk jadwal kuliah.",
                    "Terjemahan dokumentasi {tool} ke bahasa Indonesia.", "Dashboard monitoring server kantor."],
        "group": ["Komunitas {tool} {city}", "Proyek mahasiswa Teknik Informatika angkatan 2024", "Repositori tim pengembang kantor kami",
                  "Kelompok belajar open source di {city}", "Lab riset jaringan kampus"],
        "announce": ["Meetup bulan ini di {city}, temanya {tool} untuk pemula. Gratis, silakan daftar.", "Rilis {v} sudah tersedia, berisi perbaikan bug.",
                     "Kami mencari kontributor untuk menerjemahkan dokumentasi.", "Workshop online hari Sabtu jam 10 pagi, materi ada di wiki."],
        "docs": ["## Instalasi\n\nJalankan `make install` lalu buka http://localhost:8080.", "## Konfigurasi\n\nSemua pengaturan ada di config.yaml.",
                 "Halaman ini menjelaskan cara menyiapkan lingkungan pengembangan."],
    },
    "vi": {
        "city": ["Hà Nội", "TP. Hồ Chí Minh", "Đà Nẵng", "Cần Thơ", "Huế", "Hải Phòng"],
        "bug": ["Sau khi cập nhật lên {v}, {tool} không khởi động được, lỗi `{err}`.", "Build thất bại trên runner arm64, x86 thì bình thường.",
                "Trang đăng nhập bị trắng sau bản deploy mới.", "Xuất file Excel bị lỗi font tiếng Việt.", "Ứng dụng bị treo khi mất kết nối mạng."],
        "question": ["Làm sao để cấu hình cache cho {tool} trong CI?", "Dự án này có chạy được trên server riêng không?", "Có tài liệu tiếng Việt không ạ?",
                     "Mình mới học, cho hỏi cách tạo merge request?", "Biến môi trường này đặt ở đâu vậy?"],
        "thanks": ["Cảm ơn bạn, đã sửa được rồi.", "Chạy ổn trên {v} rồi, cảm ơn.", "Ok, mai mình thử lại.", "Cảm ơn đã review!"],
        "review": ["Nên thêm unit test cho hàm này.", "Tên biến chưa rõ nghĩa lắm.", "Ổn rồi, có thể merge.", "Có lỗi chính tả trong comment."],
        "bio": ["Lập trình viên {tool} ở {city}.", "Sinh viên CNTT, thích mã nguồn mở.", "Kỹ sư backend, quan tâm hệ thống phân tán.", "DevOps, Linux và cà phê."],
        "project": ["Phần mềm quản lý thư viện cho trường học.", "Đồ án tốt nghiệp: hệ thống đặt lịch khám bệnh.", "Bot nhắc lịch học trên Telegram.",
                    "Dịch tài liệu {tool} sang tiếng Việt."],
        "group": ["Cộng đồng {tool} {city}", "Nhóm sinh viên khoa Công nghệ thông tin", "Các dự án nội bộ của công ty", "Câu lạc bộ lập trình trường đại học"],
        "announce": ["Buổi meetup tháng này tổ chức tại {city}, chủ đề {tool}. Miễn phí, mời mọi người đăng ký.", "Đã phát hành phiên bản {v}, sửa nhiều lỗi.",
                     "Chúng mình cần người giúp dịch tài liệu."],
        "docs": ["## Cài đặt\n\nChạy `make install` rồi mở http://localhost:8080.", "Trang này hướng dẫn cài đặt môi trường phát triển."],
    },
    "ru": {
        "city": ["Москва", "Санкт-Петербург", "Новосибирск", "Казань", "Екатеринбург", "Минск", "Алматы"],
        "bug": ["После обновления до {v} {tool} не запускается: `{err}`.", "Сборка падает на arm64, на x86 всё нормально.", "После деплоя страница входа пустая.",
                "Большие файлы не загружаются, таймаут через минуту.", "Утечка памяти в воркере, за сутки вырастает до 4 ГБ."],
        "question": ["Как настроить кэш для {tool} в CI?", "Можно ли развернуть это на своём сервере?", "Где задаётся эта переменная окружения?",
                     "Есть ли документация на русском?", "Подскажите, как правильно сделать merge request?"],
        "thanks": ["Спасибо, помогло.", "Проверил на {v}, работает.", "Хорошо, завтра попробую ещё раз.", "Спасибо за ревью!"],
        "review": ["Добавьте, пожалуйста, тест.", "Имя переменной не очень понятное.", "Выглядит хорошо, можно мержить.", "Опечатка в комментарии."],
        "bio": ["Разработчик {tool}, люблю открытый исходный код.", "Студент, изучаю {tool}.", "Backend-разработчик из города {city}.", "Системный администратор."],
        "project": ["Учебный проект: система учёта библиотеки.", "Телеграм-бот для расписания занятий.", "Перевод документации {tool} на русский язык.",
                    "Внутренняя панель мониторинга серверов."],
        "group": ["Сообщество {tool} ({city})", "Проекты студентов факультета информатики", "Репозитории нашей команды разработки", "Лаборатория сетевых технологий университета"],
        "announce": ["Встреча сообщества в этом месяце пройдёт в городе {city}, тема — {tool}. Вход свободный.", "Вышла версия {v} с исправлениями ошибок.",
                     "Ищем добровольцев для перевода документации."],
        "docs": ["## Установка\n\nВыполните `make install` и откройте http://localhost:8080.", "На этой странице описана настройка окружения разработки."],
    },
    "ar": {
        "city": ["القاهرة", "الرياض", "عمّان", "الدار البيضاء", "تونس", "دبي", "بيروت"],
        "bug": ["بعد التحديث إلى {v} لا يعمل {tool} ويظهر الخطأ `{err}`.", "يفشل البناء على خوادم arm64 بينما يعمل على x86.", "صفحة تسجيل الدخول فارغة بعد آخر نشر.",
                "النصوص العربية تظهر بشكل معكوس في ملف PDF."],
        "question": ["كيف يمكنني إعداد ذاكرة التخزين المؤقت لـ {tool}؟", "هل يمكن تشغيل المشروع على خادم خاص؟", "أين يتم تعيين متغير البيئة هذا؟", "هل توجد وثائق باللغة العربية؟"],
        "thanks": ["شكراً، تم حل المشكلة.", "يعمل الآن على الإصدار {v}، شكراً.", "حسناً، سأجرب مرة أخرى غداً.", "شكراً على المراجعة."],
        "review": ["أقترح إضافة اختبار لهذه الدالة.", "اسم المتغير غير واضح.", "يبدو جيداً، يمكن الدمج."],
        "bio": ["مطور برمجيات مهتم بالمصادر المفتوحة.", "طالب علوم حاسوب في {city}.", "مهندس خوادم وأنظمة لينكس.", "مطور {tool} من {city}."],
        "project": ["نظام إدارة مكتبة لمشروع التخرج.", "ترجمة واجهة {tool} إلى اللغة العربية.", "أداة لمعالجة النصوص العربية.", "لوحة مراقبة للخوادم الداخلية."],
        "group": ["مجتمع مطوري {tool} في {city}", "مشاريع طلاب كلية الحاسبات", "مستودعات فريق التطوير في شركتنا", "نادي البرمجة الجامعي"],
        "announce": ["لقاء المطورين هذا الشهر في {city} حول {tool}، الدخول مجاني.", "صدر الإصدار {v} مع إصلاحات للأخطاء.", "نبحث عن متطوعين لترجمة الوثائق."],
        "docs": ["## التثبيت\n\nشغّل `make install` ثم افتح http://localhost:8080.", "تشرح هذه الصفحة كيفية إعداد بيئة التطوير."],
    },
    "pt": {
        "city": ["São Paulo", "Rio de Janeiro", "Belo Horizonte", "Recife", "Porto Alegre", "Lisboa", "Porto", "Curitiba"],
        "bug": ["Depois de atualizar para {v}, o {tool} não inicia: `{err}`.", "O build falha no runner arm64, no x86 funciona.", "A página de login fica em branco após o deploy.",
                "Acentos aparecem quebrados no relatório exportado.", "Vazamento de memória no worker depois de algumas horas."],
        "question": ["Como configuro o cache do {tool} no CI?", "Dá para rodar isso em servidor próprio?", "Onde defino essa variável de ambiente?",
                     "Existe documentação em português?", "Pergunta de iniciante: como abro um merge request?"],
        "thanks": ["Obrigado, resolvido.", "Testei na {v} e funcionou.", "Beleza, amanhã tento de novo.", "Valeu pela revisão!"],
        "review": ["Sugiro adicionar um teste aqui.", "O nome da variável não está claro.", "Parece bom, pode fazer merge.", "Tem um erro de digitação no comentário."],
        "bio": ["Desenvolvedor {tool}, apaixonado por código aberto.", "Estudante de computação em {city}.", "Engenheira de software backend.", "SRE, Linux e café."],
        "project": ["Sistema de gestão de biblioteca (trabalho de conclusão de curso).", "Bot do Telegram para horários de aula.", "Tradução da documentação do {tool} para português.",
                    "Painel interno de monitoramento dos servidores."],
        "group": ["Comunidade {tool} {city}", "Projetos dos alunos de Ciência da Computação", "Repositórios da nossa equipe de desenvolvimento", "Grupo de estudos de software livre"],
        "announce": ["O meetup deste mês será em {city}, tema: {tool}. Entrada gratuita, inscreva-se.", "Lançamos a versão {v} com correções de bugs.",
                     "Procuramos voluntários para traduzir a documentação."],
        "docs": ["## Instalação\n\nRode `make install` e abra http://localhost:8080.", "Esta página explica como preparar o ambiente de desenvolvimento."],
    },
    "es": {
        "city": ["Madrid", "Barcelona", "Ciudad de México", "Buenos Aires", "Bogotá", "Santiago", "Lima", "Valencia"],
        "bug": ["Después de actualizar a {v}, {tool} no arranca: `{err}`.", "El build falla en el runner arm64, en x86 funciona.", "La página de inicio de sesión queda en blanco.",
                "Las tildes salen mal en el informe exportado.", "Fuga de memoria en el worker tras varias horas."],
        "question": ["¿Cómo configuro la caché de {tool} en CI?", "¿Se puede instalar en un servidor propio?", "¿Dónde se define esta variable de entorno?",
                     "¿Hay documentación en español?", "Pregunta de novato: ¿cómo abro un merge request?"],
        "thanks": ["Gracias, ya funciona.", "Probado en {v}, todo bien.", "Vale, mañana lo intento otra vez.", "¡Gracias por la revisión!"],
        "review": ["Convendría añadir un test.", "El nombre de la variable no es claro.", "Se ve bien, se puede fusionar.", "Hay una errata en el comentario."],
        "bio": ["Desarrolladora {tool} en {city}.", "Estudiante de informática.", "Ingeniero backend, software libre.", "Administrador de sistemas."],
        "project": ["Sistema de gestión de biblioteca (proyecto de fin de grado).", "Bot de Telegram para horarios de clase.", "Traducción de la documentación de {tool} al español.",
                    "Panel interno de monitorización."],
        "group": ["Comunidad {tool} {city}", "Proyectos de estudiantes de Ingeniería Informática", "Repositorios de nuestro equipo", "Grupo de usuarios de software libre"],
        "announce": ["El meetup de este mes es en {city}, tema: {tool}. Entrada libre, apúntate.", "Publicamos la versión {v} con correcciones.",
                     "Buscamos voluntarios para traducir la documentación."],
        "docs": ["## Instalación\n\nEjecuta `make install` y abre http://localhost:8080.", "Esta página explica cómo preparar el entorno de desarrollo."],
    },
    "de": {
        "city": ["Berlin", "München", "Hamburg", "Wien", "Zürich", "Köln"],
        "bug": ["Nach dem Update auf {v} startet {tool} nicht mehr: `{err}`.", "Der Build schlägt auf arm64 fehl, auf x86 läuft er.", "Umlaute sind im Export kaputt."],
        "question": ["Wie richte ich den Cache für {tool} in der CI ein?", "Läuft das auch auf einem eigenen Server?", "Gibt es eine deutsche Doku?"],
        "thanks": ["Danke, funktioniert jetzt.", "Mit {v} geht es, danke!", "Danke fürs Review."],
        "review": ["Bitte noch einen Test ergänzen.", "Sieht gut aus, kann gemergt werden."],
        "bio": ["Entwickler in {city}, {tool} und Open Source.", "Informatikstudentin.", "Sysadmin, Linux seit 2005."],
        "project": ["Bibliotheksverwaltung (Abschlussprojekt).", "Deutsche Übersetzung der {tool}-Dokumentation."],
        "group": ["{tool} User Group {city}", "Projekte der Fachschaft Informatik", "Repositories unseres Entwicklerteams"],
        "announce": ["Das nächste Treffen der User Group ist in {city}, Thema: {tool}. Eintritt frei.", "Version {v} ist erschienen."],
        "docs": ["## Installation\n\n`make install` ausführen und http://localhost:8080 öffnen."],
    },
    "fr": {
        "city": ["Paris", "Lyon", "Montréal", "Bruxelles", "Toulouse", "Genève"],
        "bug": ["Depuis la version {v}, {tool} ne démarre plus : `{err}`.", "Le build échoue sur arm64, sur x86 ça passe.", "Les accents sont cassés dans l'export."],
        "question": ["Comment configurer le cache de {tool} dans la CI ?", "Peut-on l'installer sur son propre serveur ?", "Y a-t-il une documentation en français ?"],
        "thanks": ["Merci, ça marche !", "Testé avec {v}, c'est bon.", "Merci pour la relecture."],
        "review": ["Il faudrait ajouter un test.", "Ça me semble bon, on peut fusionner."],
        "bio": ["Développeuse {tool} à {city}.", "Étudiant en informatique.", "Administrateur système, logiciel libre."],
        "project": ["Gestion de bibliothèque (projet de fin d'études).", "Traduction française de la documentation de {tool}."],
        "group": ["Communauté {tool} {city}", "Projets des étudiants du département d'informatique", "Dépôts de notre équipe"],
        "announce": ["La prochaine rencontre aura lieu à {city}, sur le thème {tool}. Entrée libre.", "La version {v} est sortie."],
        "docs": ["## Installation\n\nLancez `make install` puis ouvrez http://localhost:8080."],
    },
    "ja": {
        "city": ["東京", "大阪", "京都", "福岡", "札幌"],
        "bug": ["{v} にアップデートした後、{tool} が起動しません。`{err}`", "arm64 のランナーでビルドが失敗します。", "エクスポートした CSV が文字化けします。"],
        "question": ["{tool} のキャッシュはどう設定しますか？", "自前のサーバーで動かせますか？", "日本語のドキュメントはありますか？"],
        "thanks": ["ありがとうございます、解決しました。", "{v} で動作を確認しました。", "レビューありがとうございます。"],
        "review": ["テストを追加してください。", "問題なさそうなのでマージします。"],
        "bio": ["{city} のソフトウェアエンジニア。{tool} が好きです。", "情報系の学生です。"],
        "project": ["図書館管理システム（卒業研究）", "{tool} ドキュメントの日本語訳"],
        "group": ["{tool} ユーザー会 {city}", "研究室のプロジェクト", "開発チームのリポジトリ"],
        "announce": ["今月の勉強会は {city} で開催します。テーマは {tool} です。参加無料。", "バージョン {v} をリリースしました。"],
        "docs": ["## インストール\n\n`make install` を実行してください。"],
    },
    "tr": {
        "city": ["İstanbul", "Ankara", "İzmir", "Bursa"],
        "bug": ["{v} sürümüne güncelledikten sonra {tool} açılmıyor: `{err}`.", "arm64 runner'da derleme hata veriyor.", "Dışa aktarılan dosyada Türkçe karakterler bozuk."],
        "question": ["{tool} için CI'da önbellek nasıl ayarlanır?", "Kendi sunucumuzda çalıştırabilir miyiz?"],
        "thanks": ["Teşekkürler, sorun çözüldü.", "{v} ile çalışıyor, teşekkürler."],
        "review": ["Buraya bir test eklemek iyi olur.", "Bence birleştirilebilir."],
        "bio": ["{city}'da yazılım geliştirici.", "Bilgisayar mühendisliği öğrencisi."],
        "project": ["Kütüphane yönetim sistemi (bitirme projesi).", "{tool} belgelerinin Türkçe çevirisi."],
        "group": ["{tool} Türkiye topluluğu", "Üniversite yazılım kulübü projeleri"],
        "announce": ["Bu ayki buluşma {city}'da, konu {tool}. Katılım ücretsiz.", "{v} sürümü yayınlandı."],
        "docs": ["## Kurulum\n\n`make install` çalıştırın."],
    },
    "it": {
        "city": ["Milano", "Roma", "Torino", "Bologna", "Napoli"],
        "bug": ["Dopo l'aggiornamento a {v}, {tool} non parte: `{err}`.", "La build fallisce sul runner arm64.", "Le lettere accentate nell'export sono sbagliate."],
        "question": ["Come si configura la cache di {tool} in CI?", "Si può installare su un server proprio?"],
        "thanks": ["Grazie, ora funziona.", "Provato con {v}, tutto ok."],
        "review": ["Aggiungerei un test.", "Mi sembra a posto, si può fare merge."],
        "bio": ["Sviluppatore {tool} a {city}.", "Studentessa di informatica."],
        "project": ["Gestionale per biblioteche (tesi di laurea).", "Traduzione italiana della documentazione di {tool}."],
        "group": ["Comunità {tool} {city}", "Progetti degli studenti di informatica"],
        "announce": ["Il meetup di questo mese è a {city}, tema {tool}. Ingresso libero.", "È uscita la versione {v}."],
        "docs": ["## Installazione\n\nEseguite `make install`."],
    },
    "ko": {
        "city": ["서울", "부산", "대전", "판교"],
        "bug": ["{v} 로 업데이트한 후 {tool} 이 실행되지 않습니다: `{err}`", "arm64 러너에서 빌드가 실패합니다.", "내보낸 CSV 파일의 한글이 깨집니다."],
        "question": ["CI에서 {tool} 캐시는 어떻게 설정하나요?", "자체 서버에 설치할 수 있나요?"],
        "thanks": ["감사합니다, 해결되었습니다.", "{v} 에서 잘 동작합니다."],
        "review": ["테스트를 추가해 주세요.", "좋아 보입니다. 머지하겠습니다."],
        "bio": ["{city}의 백엔드 개발자입니다.", "컴퓨터공학과 학생입니다."],
        "project": ["도서관 관리 시스템 (졸업 프로젝트)", "{tool} 문서 한국어 번역"],
        "group": ["{tool} 한국 사용자 모임", "학교 개발 동아리 프로젝트"],
        "announce": ["이번 달 모임은 {city}에서 열립니다. 주제는 {tool}입니다. 참가비 무료.", "{v} 버전을 출시했습니다."],
        "docs": ["## 설치\n\n`make install` 을 실행하세요."],
    },
}
# Longer paragraphs: real text carries the language's function words
# ("y", "de", "para", "e", "yang", "và", "的") that short phrases lack, and a
# model that never saw them in ordinary text takes them for spam.
PARAGRAPHS = {
    "es": {
        "group": [
            "Somos un grupo de desarrolladores de {city} que se reúne una vez al mes para hablar de {tool} y de software libre. Aquí publicamos las charlas, los ejemplos y el código de los talleres.",
            "Grupo de la asignatura de Sistemas Distribuidos de la universidad. Cada equipo sube aquí su proyecto y la documentación para la evaluación final.",
            "Espacio de la comunidad hispanohablante de {tool}: traducciones, tutoriales y herramientas que mantenemos entre todos.",
        ],
        "announce": [
            "Hola a todos, el próximo sábado hacemos un taller de {tool} para principiantes en {city}. No hace falta experiencia previa y la entrada es gratuita; solo hay que traer el portátil.",
            "Ya está disponible la versión {v}. Incluye varias correcciones de errores y mejoras en la documentación, y también la traducción al español de la interfaz.",
        ],
        "bug": [
            "Cuando intento compilar el proyecto en Windows con {tool} me aparece el error `{err}` y no sé si es un problema de configuración o del propio código. Adjunto el log completo.",
            "Desde que actualicé a la versión {v} la aplicación tarda mucho más en arrancar y a veces se queda colgada. En la versión anterior funcionaba sin problemas.",
        ],
    },
    "pt": {
        "group": [
            "Somos um grupo de desenvolvedores de {city} que se encontra uma vez por mês para falar sobre {tool} e software livre. Aqui ficam as palestras, os exemplos e o código das oficinas.",
            "Grupo da disciplina de Engenharia de Software da universidade. Cada equipe publica aqui o seu projeto e a documentação para a avaliação final.",
            "Espaço da comunidade brasileira de {tool}: traduções, tutoriais e ferramentas que mantemos juntos.",
        ],
        "announce": [
            "Oi pessoal, no próximo sábado vamos fazer uma oficina de {tool} para iniciantes em {city}. Não precisa de experiência e a entrada é gratuita, é só trazer o notebook.",
            "A versão {v} já está disponível. Ela traz várias correções de bugs, melhorias na documentação e a tradução da interface para o português.",
        ],
        "bug": [
            "Quando tento compilar o projeto no Windows com {tool} aparece o erro `{err}` e não sei se é problema de configuração ou do código. Segue o log completo.",
            "Depois que atualizei para a versão {v} o sistema demora muito para iniciar e às vezes trava. Na versão anterior funcionava sem problemas.",
        ],
    },
    "id": {
        "group": [
            "Kami adalah komunitas developer {tool} di {city} yang rutin bertemu setiap bulan untuk berbagi pengalaman dan belajar bersama. Materi dan kode dari setiap pertemuan kami simpan di sini.",
            "Grup untuk mata kuliah Rekayasa Perangkat Lunak. Setiap kelompok mengunggah proyek dan dokumentasinya di sini untuk penilaian akhir.",
        ],
        "announce": [
            "Halo teman-teman, Sabtu depan kami mengadakan workshop {tool} untuk pemula di {city}. Tidak perlu pengalaman sebelumnya dan acaranya gratis, cukup bawa laptop.",
            "Versi {v} sudah dirilis. Ada beberapa perbaikan bug, dokumentasi yang lebih lengkap, dan terjemahan antarmuka ke bahasa Indonesia.",
        ],
        "bug": [
            "Waktu saya mencoba build proyek ini di Windows dengan {tool} muncul error `{err}`, saya belum tahu apakah ini masalah konfigurasi atau kodenya. Log lengkap saya lampirkan.",
        ],
    },
    "vi": {
        "group": [
            "Chúng mình là cộng đồng lập trình viên {tool} ở {city}, gặp nhau mỗi tháng một lần để chia sẻ kinh nghiệm và học hỏi. Tài liệu và mã nguồn của các buổi gặp được lưu ở đây.",
        ],
        "announce": [
            "Chào mọi người, thứ bảy tuần sau nhóm tổ chức workshop {tool} cho người mới bắt đầu tại {city}. Không cần kinh nghiệm và hoàn toàn miễn phí, chỉ cần mang theo laptop.",
        ],
        "bug": [
            "Khi mình build dự án trên Windows với {tool} thì bị lỗi `{err}`, không biết là do cấu hình hay do mã nguồn. Mình đính kèm log đầy đủ bên dưới.",
        ],
    },
    "zh": {
        "group": [
            "我们是{city}的{tool}开发者社区，每个月组织一次线下交流，分享经验和最佳实践。每次活动的资料和示例代码都放在这里，欢迎大家参与。",
            "这是我们学校软件工程课程的小组，每个小组在这里提交项目代码和文档，用于期末评分。",
        ],
        "announce": [
            "大家好，下周六我们在{city}举办面向初学者的{tool}工作坊，不需要任何经验，活动免费，请自带笔记本电脑。",
            "{v} 版本已经发布，修复了若干问题，完善了文档，并增加了中文界面翻译。",
        ],
        "bug": [
            "我在 Windows 上用 {tool} 编译这个项目时出现 `{err}` 错误，不确定是配置问题还是代码的问题，完整日志附在下面。",
        ],
    },
    "ru": {
        "group": [
            "Мы — сообщество разработчиков {tool} из города {city}, раз в месяц собираемся, чтобы обсудить опыт и лучшие практики. Здесь лежат материалы и код с наших встреч.",
        ],
        "announce": [
            "Всем привет! В следующую субботу проводим воркшоп по {tool} для начинающих в городе {city}. Опыт не нужен, участие бесплатное, возьмите с собой ноутбук.",
        ],
        "bug": [
            "При сборке проекта под Windows с {tool} появляется ошибка `{err}`, и я не понимаю, проблема в настройках или в коде. Полный лог прикладываю.",
        ],
    },
    "ar": {
        "group": [
            "نحن مجتمع مطوري {tool} في {city}، نلتقي مرة كل شهر لتبادل الخبرات والتعلم معاً. هنا نضع المواد والأكواد الخاصة بكل لقاء.",
        ],
        "announce": [
            "مرحباً بالجميع، السبت القادم سنقيم ورشة عمل عن {tool} للمبتدئين في {city}. لا تحتاج إلى خبرة سابقة والمشاركة مجانية، فقط أحضر حاسوبك.",
        ],
        "bug": [
            "عندما أحاول بناء المشروع على ويندوز باستخدام {tool} يظهر الخطأ `{err}` ولا أعرف إن كانت المشكلة في الإعدادات أم في الكود. أرفقت السجل كاملاً.",
        ],
    },
}
for _lang, _kinds in PARAGRAPHS.items():
    for _kind, _texts in _kinds.items():
        T[_lang][_kind] = T[_lang][_kind] + _texts * 2

# Languages spam also comes in weigh more: those are where a model learns
# "this script means spam".
WEIGHTS = {"zh": 4, "id": 4, "vi": 3, "ru": 3, "ar": 3, "pt": 3, "es": 3, "de": 1, "fr": 1, "ja": 1, "tr": 1, "it": 1, "ko": 1}
KINDS = {
    "issue": ["bug", "bug", "question", "question"],
    "note": ["thanks", "thanks", "review", "question", "bug"],
    "wiki_page": ["docs", "docs", "announce"],
    "merge_request": ["review", "docs", "bug"],
    "snippet": ["docs"],
    "user": ["bio"],
    "project": ["project"],
    "group": ["group"],
    "announce": ["announce"],
}


def language(rng):
    return rng.choice([lang for lang, w in WEIGHTS.items() for _ in range(w)])


def fill(rng, lang, template, ham_tlds):
    return template.format(v=f"{rng.randint(1, 9)}.{rng.randint(0, 20)}", tool=rng.choice(TOOLS), err=rng.choice(ERRORS),
                           city=rng.choice(T[lang]["city"]), n=rng.randint(2, 500), tld=rng.choice(ham_tlds))


def sentence(rng, lang, kind, ham_tlds):
    return fill(rng, lang, rng.choice(T[lang][kind]), ham_tlds)


def link(rng, ham_tlds, word):
    """An ordinary link a community post carries: its docs, forum, meetup
    page or repository, or its chat group: local communities meet on
    Telegram, Discord, WeChat or QQ, as spammers' contacts do."""
    if rng.random() < 0.3:
        return rng.choice([f"Telegram: https://t.me/{word()}_{rng.choice(['id', 'br', 'dev', 'community', 'users'])}", f"https://discord.gg/{word()}",
                           f"QQ群 {rng.randint(10**7, 10**9)}", f"https://matrix.to/#/#{word()}:matrix.org", f"t.me/{word()}{rng.choice(['', 'dev', 'br'])}",
                           f"WhatsApp do grupo: https://chat.whatsapp.com/{word()}{word()}"])
    return rng.choice([f"https://{rng.choice(SITES)}.{word()}.{rng.choice(ham_tlds)}/{word()}", f"https://github.com/{word()}/{word()}",
                       f"https://gitlab.com/{word()}/{word()}", f"https://www.meetup.com/{word()}-{word()}/", f"https://{word()}.github.io/"])


def text(rng, itype, ham_tlds, word, lang=None):
    """Ordinary text of one item type in one language (chosen if not given):
    one to four sentences of the kinds that type holds, sometimes a link."""
    lang = lang or language(rng)
    kinds = KINDS.get(itype, ["bug", "question", "thanks"])
    if itype in ("group", "project", "wiki_page", "issue") and rng.random() < 0.25:
        kinds = kinds + ["announce"]
    n = 1 if itype in ("user", "group") else rng.randint(1, 4)
    parts = [sentence(rng, lang, rng.choice(kinds), ham_tlds) for _ in range(n)]
    out = (" " if lang not in ("zh", "ja") else "").join(parts)
    if rng.random() < (0.4 if itype in ("group", "project", "wiki_page") else 0.2):
        out += " " + link(rng, ham_tlds, word)
    return out
